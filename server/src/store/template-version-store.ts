/** Every template version the service has loaded, on the SQL seam (SQLite or PostgreSQL). */
import type { Template } from '../domain/template';
import type { StoredTemplateVersion, TemplateVersionStore } from '../domain/ports';
import type { SqlDatabase } from './sql-database';

interface Row {
  name: string;
  version: string;
  resolved: string;
  source_yaml: string;
  loaded_at: string;
}

export class SqlTemplateVersions implements TemplateVersionStore {
  constructor(private readonly db: SqlDatabase) {}

  keep(version: StoredTemplateVersion): 'new' | 'changed' | 'same' {
    return this.db.transaction(() => {
      // Replicas starting at once load the same files: the first keeps each version, the others find it.
      this.db.lock(`template-version:${version.name}:${version.version}`);
      const kept = this.find(version.name, version.version);
      const resolved = JSON.stringify(version.template);
      if (!kept) {
        this.db.run('INSERT INTO template_versions (name, version, resolved, source_yaml, loaded_at) VALUES (?, ?, ?, ?, ?)', version.name, version.version, resolved, version.sourceYaml, version.loadedAt);
        return 'new';
      }
      if (kept.sourceYaml === version.sourceYaml && JSON.stringify(kept.template) === resolved) return 'same';
      // The file was edited (or its parent was) without a new version: keep what is served
      // now, so a launch from a removed file gets what the last launches got.
      this.db.run('UPDATE template_versions SET resolved = ?, source_yaml = ? WHERE name = ? AND version = ?', resolved, version.sourceYaml, version.name, version.version);
      return kept.sourceYaml === version.sourceYaml ? 'same' : 'changed';
    });
  }

  find(name: string, version: string): StoredTemplateVersion | undefined {
    const row = this.db.get('SELECT * FROM template_versions WHERE name = ? AND version = ?', name, version) as Row | undefined;
    return row && fromRow(row);
  }

  list(name: string): StoredTemplateVersion[] {
    const rows = this.db.all('SELECT * FROM template_versions WHERE name = ?', name) as Row[];
    return rows.map(fromRow);
  }

  currentVersion(name: string): string | undefined {
    const row = this.db.get('SELECT version FROM template_current WHERE name = ?', name) as { version: string } | undefined;
    return row?.version;
  }

  setCurrentVersion(name: string, version: string): void {
    this.db.run('INSERT INTO template_current (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version', name, version);
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
