/**
 * The catalog's own records on SQLite: which catalog templates an admin
 * allowed, and users' reviews (one per user per template). It opens the
 * same database file as SqliteStore, which applies the migrations, so it is
 * opened after it.
 */
import Database from 'better-sqlite3';
import type { Rating, Review } from '../contract/catalog';
import type { CatalogStore } from '../domain/catalog';

export class SqliteCatalogStore implements CatalogStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  allowedTemplates(): Set<string> {
    const rows = this.db.prepare('SELECT name FROM catalog_allowed').all() as { name: string }[];
    return new Set(rows.map(r => r.name));
  }

  allowTemplate(name: string, by: string, at: Date): void {
    this.db
      .prepare('INSERT INTO catalog_allowed (name, allowed_by, allowed_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
      .run(name, by, at.toISOString());
  }

  disallowTemplate(name: string): void {
    this.db.prepare('DELETE FROM catalog_allowed WHERE name = ?').run(name);
  }

  saveReview(review: Review): 'created' | 'replaced' {
    return this.db.transaction(() => {
      const existing = this.db
        .prepare('SELECT 1 FROM catalog_reviews WHERE template = ? AND user = ?')
        .get(review.template, review.user);
      this.db
        .prepare(
          `INSERT INTO catalog_reviews (template, user, rating, text, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (template, user) DO UPDATE SET rating = excluded.rating, text = excluded.text, at = excluded.at`
        )
        .run(review.template, review.user, review.rating, review.text, review.at);
      return existing ? 'replaced' : 'created';
    })();
  }

  reviews(template: string): Review[] {
    return this.db
      .prepare('SELECT template, user, rating, text, at FROM catalog_reviews WHERE template = ? ORDER BY at DESC, user')
      .all(template) as Review[];
  }

  ratings(): Map<string, Rating> {
    const rows = this.db
      .prepare('SELECT template, AVG(rating) AS average, COUNT(*) AS count FROM catalog_reviews GROUP BY template')
      .all() as { template: string; average: number; count: number }[];
    return new Map(rows.map(r => [r.template, { average: Math.round(r.average * 10) / 10, count: r.count }]));
  }

  close(): void {
    this.db.close();
  }
}
