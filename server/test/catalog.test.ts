/**
 * The community catalog through the API, read from a real (moto) S3 bucket:
 * search, install with a parent that is not local, the allow-list, invalid
 * templates refused with their diagnostics, update notices, reviews.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { TemplateSummary } from '../src/contract/api';
import type { CatalogInstallResult, CatalogListing, Review } from '../src/contract/catalog';
import type { Problem } from '../src/contract/events';
import type { TemplateDiagnostic } from '../src/domain/template';
import { startPrism, type TestPrism } from './support/prism';

const BUCKET = 'prism-community-catalog';
const REPO_TEMPLATES = path.resolve(__dirname, '..', '..', 'templates');

const GEO_BASE = `name: gis-base
title: GIS base
description: GDAL and PROJ from conda-forge, for building geospatial workstations.
version: 1.0.0
inherits: amazon-linux
condaChannels: [conda-forge]
packages:
  conda: [python=3.12, gdal, proj]
`;

const terrainAnalysis = (version: string): string => `name: terrain-analysis
title: Terrain analysis
description: Raster and vector analysis with geopandas and rasterio in JupyterLab.
version: ${version}
inherits: gis-base
defaultSize: medium
packages:
  conda: [geopandas, rasterio, jupyterlab]
`;

// The typo on line 6 is the problem the install must point at.
const BROKEN = `name: broken-stats
title: Statistics (broken)
description: A template with a typo in a key.
version: 1.0.0
inherits: amazon-linux
pakages:
  pip: [statsmodels]
`;

function entry(name: string, version: string, title: string, description: string, file: string, inherits?: string) {
  return {
    name,
    version,
    title,
    description,
    arches: ['arm64', 'x86_64'],
    ...(inherits && { inherits }),
    path: file,
    publishedAt: '2026-11-01T12:00:00Z'
  };
}

function index(version: string) {
  return {
    catalog: { name: 'Community templates', updatedAt: '2026-11-20T09:00:00Z' },
    templates: [
      entry('gis-base', '1.0.0', 'GIS base', 'GDAL and PROJ from conda-forge.', 'templates/gis-base.yaml', 'amazon-linux'),
      entry('terrain-analysis', version, 'Terrain analysis', 'Raster and vector analysis with geopandas.', `templates/terrain-analysis-${version}.yaml`, 'gis-base'),
      entry('broken-stats', '1.0.0', 'Statistics (broken)', 'Statsmodels, with a typo.', 'templates/broken-stats.yaml', 'amazon-linux')
    ]
  };
}

let prism: TestPrism;
let s3: S3Client;
let templatesDir: string;

async function publish(key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

async function listing(query = ''): Promise<CatalogListing> {
  const res = await prism.api(`/catalog/templates${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as CatalogListing;
}

async function problemOf(res: Response): Promise<Problem & { diagnostics?: TemplateDiagnostic[] }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as Problem & { diagnostics?: TemplateDiagnostic[] };
}

const install = (name: string) => prism.api(`/catalog/templates/${name}/install`, { method: 'POST' });
const allow = (name: string) => prism.api(`/catalog/allowed/${name}`, { method: 'PUT' });
const review = (name: string, body: unknown) =>
  prism.api(`/catalog/templates/${name}/reviews`, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-catalog-templates-'));
  fs.cpSync(REPO_TEMPLATES, templatesDir, { recursive: true });
  prism = await startPrism({ PRISM_TEMPLATES_DIR: templatesDir, PRISM_CATALOG_URL: `s3://${BUCKET}/catalog/index.json` });
  s3 = new S3Client({ endpoint: prism.moto.endpoint, region: 'us-east-1', forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await publish('catalog/templates/gis-base.yaml', GEO_BASE);
  await publish('catalog/templates/terrain-analysis-1.0.0.yaml', terrainAnalysis('1.0.0'));
  await publish('catalog/templates/broken-stats.yaml', BROKEN);
  await publish('catalog/index.json', JSON.stringify(index('1.0.0')));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await prism?.stop();
  fs.rmSync(templatesDir, { recursive: true, force: true });
});

it('lists the catalog with search over name, title and description', async () => {
  const all = await listing();
  expect(all.catalog.name).toBe('Community templates');
  expect(all.templates.map(t => t.name)).toEqual(['broken-stats', 'gis-base', 'terrain-analysis']);
  expect(all.templates[2]).toMatchObject({
    installed: null,
    updateAvailable: false,
    allowed: false,
    inherits: 'gis-base',
    rating: { average: 0, count: 0 }
  });

  expect((await listing('?q=raster')).templates.map(t => t.name)).toEqual(['terrain-analysis']);
  expect((await listing('?q=GDAL%20proj')).templates.map(t => t.name)).toEqual(['gis-base']);
  expect((await listing('?q=nothing-like-this')).templates).toEqual([]);
});

it('refuses to install a template no admin allowed, saying an admin must allow it', async () => {
  const res = await install('terrain-analysis');
  expect(res.status).toBe(403);
  const problem = await problemOf(res);
  expect(problem.code).toBe('TEMPLATE_NOT_ALLOWED');
  expect(problem.hint).toMatch(/admin must allow/i);
  expect(fs.readdirSync(templatesDir).some(f => f.startsWith('gis') || f.startsWith('terrain'))).toBe(false);
});

it('installs an allowed template with the parent it inherits, and both become launchable', async () => {
  expect((await allow('terrain-analysis')).status).toBe(200);
  const res = await install('terrain-analysis');
  expect(res.status).toBe(201);
  const result = (await res.json()) as CatalogInstallResult;
  expect(result.installed.map(i => `${i.name}@${i.version}`)).toEqual(['gis-base@1.0.0', 'terrain-analysis@1.0.0']);
  expect(fs.existsSync(path.join(templatesDir, 'gis-base-1.0.0.yaml'))).toBe(true);
  expect(fs.existsSync(path.join(templatesDir, 'terrain-analysis-1.0.0.yaml'))).toBe(true);

  const templates = (await (await prism.api('/templates')).json()) as TemplateSummary[];
  const terrain = templates.find(t => t.name === 'terrain-analysis');
  expect(templates.map(t => t.name)).toEqual(expect.arrayContaining(['gis-base', 'terrain-analysis']));
  expect(terrain?.sizes.arm64.find(s => s.name === 'medium')?.instanceType).toBe('m7g.large');

  const resolved = (await (await prism.api('/templates/terrain-analysis')).json()) as { packages: { conda: string[] } };
  expect(resolved.packages.conda).toEqual(expect.arrayContaining(['gdal', 'geopandas']));

  const listed = (await listing('?q=terrain')).templates[0];
  expect(listed).toMatchObject({ name: 'terrain-analysis', installed: '1.0.0', allowed: true, updateAvailable: false });
});

it('refuses an invalid template with diagnostics at line and column, and writes nothing', async () => {
  await allow('broken-stats');
  const res = await install('broken-stats');
  expect(res.status).toBe(422);
  const problem = await problemOf(res);
  expect(problem.code).toBe('TEMPLATE_INVALID');
  expect(problem.diagnostics).toEqual(
    expect.arrayContaining([expect.objectContaining({ file: 'templates/broken-stats.yaml', line: 6, column: 1 })])
  );
  expect(problem.diagnostics?.find(d => d.line === 6)?.message).toMatch(/pakages/);
  expect(fs.readdirSync(templatesDir).some(f => f.startsWith('broken'))).toBe(false);
  const templates = (await (await prism.api('/templates')).json()) as TemplateSummary[];
  expect(templates.map(t => t.name)).not.toContain('broken-stats');
});

it('tells of an update once the catalog publishes a newer version, and installs it beside the old one', async () => {
  await publish('catalog/templates/terrain-analysis-1.1.0.yaml', terrainAnalysis('1.1.0'));
  await publish('catalog/index.json', JSON.stringify(index('1.1.0')));

  const fresh = (await listing('?q=raster&refresh=1')).templates[0];
  expect(fresh).toMatchObject({ version: '1.1.0', installed: '1.0.0', updateAvailable: true });

  const res = await install('terrain-analysis');
  expect(res.status).toBe(201);
  const result = (await res.json()) as CatalogInstallResult;
  expect(result.installed.map(i => `${i.name}@${i.version}`)).toEqual(['terrain-analysis@1.1.0']);
  expect((await listing('?q=raster')).templates[0]).toMatchObject({ installed: '1.1.0', updateAvailable: false });
  expect((await prism.api('/templates/terrain-analysis?version=1.0.0')).status).toBe(200);
});

it('keeps one review per user: a second replaces the first, and the rating follows', async () => {
  const first = await review('terrain-analysis', { rating: 4, text: 'Worked first time on Graviton.' });
  expect(first.status).toBe(201);
  const second = await review('terrain-analysis', { rating: 2, text: 'rasterio is slow to install.' });
  expect(second.status).toBe(200);

  const reviews = (await (await prism.api('/catalog/templates/terrain-analysis/reviews')).json()) as Review[];
  expect(reviews).toHaveLength(1);
  expect(reviews[0]).toMatchObject({ rating: 2, text: 'rasterio is slow to install.' });
  expect((await listing('?q=raster')).templates[0].rating).toEqual({ average: 2, count: 1 });
});

it('refuses a rating outside 1..5 and a review longer than 500 characters', async () => {
  expect((await review('terrain-analysis', { rating: 6 })).status).toBe(400);
  expect((await review('terrain-analysis', { rating: 3, text: 'x'.repeat(501) })).status).toBe(400);
  const unknown = await review('no-such-template', { rating: 3 });
  expect(unknown.status).toBe(404);
  expect((await problemOf(unknown)).code).toBe('CATALOG_TEMPLATE_NOT_FOUND');
});
