/**
 * Template versions kept in memory, for a library opened without a database
 * (the CLI on local files, unit tests): versions last as long as the process.
 */
import type { StoredTemplateVersion, TemplateVersionStore } from '../domain/ports';

export class MemoryVersionStore implements TemplateVersionStore {
  private readonly versions = new Map<string, StoredTemplateVersion>();
  private readonly current = new Map<string, string>();

  keep(version: StoredTemplateVersion): 'new' | 'changed' | 'same' {
    const key = `${version.name}@${version.version}`;
    const kept = this.versions.get(key);
    this.versions.set(key, { ...version, loadedAt: kept?.loadedAt ?? version.loadedAt });
    if (!kept) return 'new';
    return kept.sourceYaml === version.sourceYaml ? 'same' : 'changed';
  }

  find(name: string, version: string): StoredTemplateVersion | undefined {
    return this.versions.get(`${name}@${version}`);
  }

  list(name: string): StoredTemplateVersion[] {
    return [...this.versions.values()].filter(v => v.name === name);
  }

  currentVersion(name: string): string | undefined {
    return this.current.get(name);
  }

  setCurrentVersion(name: string, version: string): void {
    this.current.set(name, version);
  }
}
