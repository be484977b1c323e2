/**
 * The shared notebook store, as describeStoreContract runs it on each
 * database: versions numbered per notebook and never reused, a name kept to
 * its author, the latest version listed with the count, and removals that
 * free the name with the last version.
 */
import type { StoredNotebookVersion } from '../../domain/shared-notebooks';
import { SqlSharedNotebookStore } from '../shared-notebook-store';
import type { SqlDatabase } from '../sql-database';

const entry = (name: string, author: string, at: string, note = ''): Omit<StoredNotebookVersion, 'version'> => ({
  project: 'genomics',
  name,
  author,
  note,
  size: 1234,
  sha256: 'ab'.repeat(32),
  publishedAt: at,
  bucket: 'prism-123456789012-us-east-1',
  key: `prism-shared-notebooks/genomics/${name}-${at}.ipynb`
});

export function describeSharedNotebookStore(dialect: SqlDatabase['dialect'], openDatabase: () => SqlDatabase): void {
  describe(`the shared notebook store on ${dialect}`, () => {
    const withProject = (): SqlSharedNotebookStore => {
      const db = openDatabase();
      db.run('INSERT INTO projects (id, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?)', 'genomics', 'Genomics', '', 'ada', '2026-11-27T11:00:00Z');
      return new SqlSharedNotebookStore(db);
    };

    it('numbers each notebook’s versions from 1 and keeps a name to its first author', async () => {
      const store = withProject();
      expect(await store.addVersion(entry('qc.ipynb', 'ana', '2026-11-27T12:00:00Z'))).toEqual({ version: 1 });
      expect(await store.addVersion(entry('qc.ipynb', 'ana', '2026-11-27T12:05:00Z', 'axis fixed'))).toEqual({ version: 2 });
      expect(await store.addVersion(entry('other.ipynb', 'ben', '2026-11-27T12:10:00Z'))).toEqual({ version: 1 });
      expect(await store.addVersion(entry('qc.ipynb', 'ben', '2026-11-27T12:15:00Z'))).toEqual({ takenBy: 'ana' });
      expect(await store.authorOf('genomics', 'qc.ipynb')).toBe('ana');
      expect(await store.authorOf('genomics', 'nothing.ipynb')).toBeUndefined();

      const listed = await store.notebooks('genomics');
      expect(listed.map(n => [n.name, n.version, n.versions, n.author, n.note])).toEqual([
        ['other.ipynb', 1, 1, 'ben', ''],
        ['qc.ipynb', 2, 2, 'ana', 'axis fixed']
      ]);
      expect((await store.versions('genomics', 'qc.ipynb')).map(v => v.version)).toEqual([2, 1]);
      expect(await store.version('genomics', 'qc.ipynb', 1)).toEqual({ ...entry('qc.ipynb', 'ana', '2026-11-27T12:00:00Z'), version: 1 });
    });

    it('never reuses a removed latest number, and frees the name with the last version', async () => {
      const store = withProject();
      await store.addVersion(entry('qc.ipynb', 'ana', '2026-11-27T12:00:00Z'));
      await store.addVersion(entry('qc.ipynb', 'ana', '2026-11-27T12:05:00Z'));
      expect((await store.removeVersion('genomics', 'qc.ipynb', 2))?.version).toBe(2);
      expect(await store.removeVersion('genomics', 'qc.ipynb', 2)).toBeUndefined();
      expect(await store.addVersion(entry('qc.ipynb', 'ana', '2026-11-27T12:10:00Z'))).toEqual({ version: 3 });
      expect((await store.notebooks('genomics'))[0]).toMatchObject({ version: 3, versions: 2 });

      expect((await store.removeNotebook('genomics', 'qc.ipynb')).map(v => v.version).sort()).toEqual([1, 3]);
      expect(await store.notebooks('genomics')).toEqual([]);
      expect(await store.addVersion(entry('qc.ipynb', 'ben', '2026-11-27T12:20:00Z'))).toEqual({ version: 1 });
      expect((await store.removeVersion('genomics', 'qc.ipynb', 1))?.author).toBe('ben');
      expect(await store.authorOf('genomics', 'qc.ipynb')).toBeUndefined();
      expect(await store.removeNotebook('genomics', 'qc.ipynb')).toEqual([]);
    });
  });
}
