/**
 * The catalog's index: one JSON document at PRISM_CATALOG_URL naming each
 * published template and where its YAML lies (docs/catalog.md). Checked here
 * so a malformed index is refused as a whole, with the field named.
 */
import { z } from 'zod';
import { PrismError } from './errors';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

const CatalogEntrySchema = z.object({
  name: z.string().regex(NAME, 'lower-case letters, digits and dashes'),
  version: z.string().regex(SEMVER, 'a semantic version such as 1.2.0'),
  title: z.string().min(1).max(120),
  description: z.string().max(2000),
  arches: z.array(z.enum(['arm64', 'x86_64'])).min(1),
  inherits: z.string().regex(NAME).optional(),
  /** The YAML's S3 key, relative to the index's own folder; never leaves the bucket. */
  path: z
    .string()
    .min(1)
    .refine(p => !p.startsWith('/') && !p.split('/').includes('..'), 'a relative key without ".."'),
  publishedAt: z.iso.datetime({ offset: true })
});

export const CatalogIndexSchema = z.object({
  catalog: z.object({ name: z.string().min(1), updatedAt: z.iso.datetime({ offset: true }) }),
  templates: z
    .array(CatalogEntrySchema)
    .refine(entries => new Set(entries.map(e => e.name)).size === entries.length, 'each template name once')
});

export type CatalogIndex = z.infer<typeof CatalogIndexSchema>;
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export function parseCatalogIndex(text: string, where: string): CatalogIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidIndex(where, `it is not JSON (${(error as Error).message})`);
  }
  const parsed = CatalogIndexSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(i => `${i.path.join('.') || '(index)'}: ${i.message}`);
    throw invalidIndex(where, fields.join('; '));
  }
  return parsed.data;
}

function invalidIndex(where: string, why: string): PrismError {
  return new PrismError(
    'CATALOG_INVALID',
    502,
    'The catalog index is not valid',
    `The catalog index at ${where} is not valid: ${why}`,
    "Ask the catalog's publisher to fix the index (its format is in docs/catalog.md), or point PRISM_CATALOG_URL at another catalog."
  );
}
