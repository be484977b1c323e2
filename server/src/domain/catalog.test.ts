import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqlCatalogStore } from '../store/catalog-store';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { CATALOG_TTL_MS, CommunityCatalog, type CatalogFile, type CatalogSource } from './catalog';
import type { Caller, TemplateCatalog } from './ports';
import type { Template } from './template';

const admin: Caller = { user: 'ada', roles: ['admin'], projects: [] };
const researcher: Caller = { user: 'grace', roles: [], projects: [] };

const indexText = (version: string) =>
  JSON.stringify({
    catalog: { name: 'Test catalog', updatedAt: '2026-11-20T09:00:00Z' },
    templates: [
      {
        name: 'stats',
        version,
        title: 'Statistics',
        description: 'R and statsmodels.',
        arches: ['arm64'],
        inherits: 'stats-base',
        path: 'stats.yaml',
        publishedAt: '2026-11-01T12:00:00Z'
      },
      {
        name: 'stats-base',
        version: '1.0.0',
        title: 'Statistics base',
        description: 'R.',
        arches: ['arm64'],
        path: 'stats-base.yaml',
        publishedAt: '2026-11-01T12:00:00Z'
      }
    ]
  });

let dir: string;
let database: SqlDatabase;
let store: SqlCatalogStore;
let now: number;
let published: string;
let indexReads: number;
let installs: CatalogFile[][];
let local: Template[];

function catalog(): CommunityCatalog {
  const source: CatalogSource = {
    location: 's3://test/index.json',
    readIndex: async () => {
      indexReads++;
      return published;
    },
    readFile: async file => `# ${file}`
  };
  const library: TemplateCatalog = {
    list: () => local,
    get: (name, version) => local.find(t => t.name === name && (version === undefined || t.version === version)),
    validate: () => []
  };
  return new CommunityCatalog({
    source,
    store,
    library,
    installer: {
      install: async files => {
        installs.push(files);
        return { diagnostics: [], written: files.map(f => ({ name: f.name, version: f.version, file: f.path })) };
      }
    },
    clock: { now: () => new Date(now) }
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-catalog-unit-'));
  database = openTestDatabase(path.join(dir, 'prism.sqlite'));
  store = new SqlCatalogStore(database);
  now = Date.parse('2026-11-27T10:00:00Z');
  published = indexText('1.0.0');
  indexReads = 0;
  installs = [];
  local = [];
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('refuses install and the allow-list to a caller who is not an admin', async () => {
  const community = catalog();
  await community.allow('stats', admin);
  await expect(community.install('stats', researcher)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
  await expect(community.allow('stats', researcher)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  await expect(community.disallow('stats', researcher)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  expect(installs).toEqual([]);
});

it('installs the parents the library lacks, parents first, and only those', async () => {
  const community = catalog();
  await community.allow('stats', admin);
  await community.install('stats', admin);
  expect(installs[0].map(f => f.name)).toEqual(['stats-base', 'stats']);

  local = [{ name: 'stats-base', version: '0.9.0' } as Template];
  await community.install('stats', admin);
  expect(installs[1].map(f => f.name)).toEqual(['stats']);
});

it('refuses an install once the admin takes the template off the allow-list', async () => {
  const community = catalog();
  await community.allow('stats', admin);
  await community.disallow('stats', admin);
  await expect(community.install('stats', admin)).rejects.toMatchObject({ code: 'TEMPLATE_NOT_ALLOWED', status: 403 });
});

it('reads the index once within the TTL, again after it or when asked to', async () => {
  const community = catalog();
  await community.list();
  await community.list({ query: 'stat' });
  expect(indexReads).toBe(1);

  published = indexText('1.2.0');
  local = [{ name: 'stats', version: '1.0.0' } as Template];
  expect((await community.list()).templates.find(t => t.name === 'stats')?.updateAvailable).toBe(false);
  expect((await community.list({ refresh: true })).templates.find(t => t.name === 'stats')).toMatchObject({
    version: '1.2.0',
    installed: '1.0.0',
    updateAvailable: true
  });
  now += CATALOG_TTL_MS + 1;
  await community.list();
  expect(indexReads).toBe(3);
});

it('refuses an index that does not follow the format, naming the field', async () => {
  published = JSON.stringify({ catalog: { name: 'x', updatedAt: 'yesterday' }, templates: [] });
  await expect(catalog().list()).rejects.toMatchObject({ code: 'CATALOG_INVALID', detail: expect.stringContaining('catalog.updatedAt') });
});

it('averages the ratings of different users, one review each', async () => {
  const community = catalog();
  await community.review('stats', admin, { rating: 5 });
  await community.review('stats', researcher, { rating: 2, text: 'Slow.' });
  await community.review('stats', researcher, { rating: 4, text: 'Faster now.' });
  const listed = (await community.list()).templates.find(t => t.name === 'stats');
  expect(listed?.rating).toEqual({ average: 4.5, count: 2 });
  expect((await community.reviews('stats')).map(r => `${r.user}:${r.rating}`).sort()).toEqual(['ada:5', 'grace:4']);
});
