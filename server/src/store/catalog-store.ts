/**
 * The catalog's own records on the SQL seam (SQLite or PostgreSQL): which
 * catalog templates an admin allowed, and users' reviews (one per user per
 * template).
 */
import type { Rating, Review } from '../contract/catalog';
import type { CatalogStore } from '../domain/catalog';
import type { SqlDatabase } from './sql-database';

export class SqlCatalogStore implements CatalogStore {
  constructor(private readonly db: SqlDatabase) {}

  allowedTemplates(): Set<string> {
    const rows = this.db.all('SELECT name FROM catalog_allowed') as { name: string }[];
    return new Set(rows.map(r => r.name));
  }

  allowTemplate(name: string, by: string, at: Date): void {
    this.db.run('INSERT INTO catalog_allowed (name, allowed_by, allowed_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', name, by, at.toISOString());
  }

  disallowTemplate(name: string): void {
    this.db.run('DELETE FROM catalog_allowed WHERE name = ?', name);
  }

  saveReview(review: Review): 'created' | 'replaced' {
    return this.db.transaction(() => {
      // Two replicas saving the same review at once: one creates it, the other replaces it.
      this.db.lock(`catalog-review:${review.template}:${review.user}`);
      const existing = this.db.get('SELECT 1 FROM catalog_reviews WHERE template = ? AND "user" = ?', review.template, review.user);
      this.db.run(`INSERT INTO catalog_reviews (template, "user", rating, text, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (template, "user") DO UPDATE SET rating = excluded.rating, text = excluded.text, at = excluded.at`, review.template, review.user, review.rating, review.text, review.at);
      return existing ? 'replaced' : 'created';
    });
  }

  reviews(template: string): Review[] {
    return this.db.all('SELECT template, "user", rating, text, at FROM catalog_reviews WHERE template = ? ORDER BY at DESC, "user"', template) as Review[];
  }

  ratings(): Map<string, Rating> {
    const rows = this.db.all('SELECT template, AVG(rating) AS average, COUNT(*) AS count FROM catalog_reviews GROUP BY template') as { template: string; average: number; count: number }[];
    return new Map(rows.map(r => [r.template, { average: Math.round(r.average * 10) / 10, count: r.count }]));
  }
}
