/**
 * Every template version the service has loaded, on SQLite. It opens the same
 * database file as SqliteStore, which applies the migrations, so it is opened
 * after it.
 */
import Database from 'better-sqlite3';
import type { Template } from '../domain/template';
import type { StoredTemplateVersion, TemplateVersionStore } from '../domain/ports';

interface Row {
  name: string;
  version: string;
  resolved: string;
  source_yaml: string;
  loaded_at: string;
}

export class SqliteTemplateVersions implements TemplateVersionStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  keep(version: StoredTemplateVersion): 'new' | 'changed' | 'same' {
    return this.db.transaction(() => {
      const kept = this.find(version.name, version.version);
      const resolved = JSON.stringify(version.template);
      if (!kept) {
        this.db
          .prepare('INSERT INTO template_versions (name, version, resolved, source_yaml, loaded_at) VALUES (?, ?, ?, ?, ?)')
          .run(version.name, version.version, resolved, version.sourceYaml, version.loadedAt);
        return 'new';
      }
      if (kept.sourceYaml === version.sourceYaml && JSON.stringify(kept.template) === resolved) return 'same';
      // The file was edited (or its parent was) without a new version: keep what is served
      // now, so a launch from a removed file gets what the last launches got.
      this.db
        .prepare('UPDATE template_versions SET resolved = ?, source_yaml = ? WHERE name = ? AND version = ?')
        .run(resolved, version.sourceYaml, version.name, version.version);
      return kept.sourceYaml === version.sourceYaml ? 'same' : 'changed';
    })();
  }

  find(name: string, version: string): StoredTemplateVersion | undefined {
    const row = this.db.prepare('SELECT * FROM template_versions WHERE name = ? AND version = ?').get(name, version) as Row | undefined;
    return row && fromRow(row);
  }

  list(name: string): StoredTemplateVersion[] {
    const rows = this.db.prepare('SELECT * FROM template_versions WHERE name = ?').all(name) as Row[];
    return rows.map(fromRow);
  }

  currentVersion(name: string): string | undefined {
    const row = this.db.prepare('SELECT version FROM template_current WHERE name = ?').get(name) as { version: string } | undefined;
    return row?.version;
  }

  setCurrentVersion(name: string, version: string): void {
    this.db
      .prepare('INSERT INTO template_current (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version')
      .run(name, version);
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: Row): StoredTemplateVersion {
  return {
    name: row.name,
    version: row.version,
    template: JSON.parse(row.resolved) as Template,
    sourceYaml: row.source_yaml,
    loadedAt: row.loaded_at
  };
}
