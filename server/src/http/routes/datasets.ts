/**
 * /datasets: named S3 datasets and the dataset browser — register, list,
 * look at, delete; list a folder, preview and download a file; upload one
 * in parts (docs/api.md, "Datasets").
 */
import { pipeline } from 'node:stream/promises';
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { DatasetBrowser } from '../../domain/dataset-browser';
import { UPLOAD_PART_BYTES, type DatasetUploads } from '../../domain/dataset-uploads';
import type { Datasets } from '../../domain/datasets';
import { PrismError } from '../../domain/errors';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const RegisterSchema = z
  .object({
    // The name's own rules are the domain's (NAME_INVALID with a hint).
    name: z.string().max(100),
    bucket: z.string().max(100),
    prefix: z.string().max(1024).optional(),
    readOnly: z.boolean().optional(),
    description: z.string().max(500).optional(),
    project: z.string().min(1).max(100).optional()
  })
  .strict();

export const ListQuerySchema = z.object({
  path: z.string().max(1024).optional(),
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().optional()
});

export const PathQuerySchema = z.object({ path: z.string().min(1).max(1024) });

export const StartUploadSchema = z
  .object({
    path: z.string().min(1).max(1024),
    size: z.number().int().nonnegative(),
    contentType: z.string().max(200).optional()
  })
  .strict();

export function datasetsRouter(datasets: Datasets, browser: DatasetBrowser, uploads: DatasetUploads): Router {
  const router = Router();

  router.get('/datasets', (_req, res) => {
    res.json(datasets.listDatasets(callerOf(res).user));
  });

  router.post('/datasets', async (req, res) => {
    const parsed = RegisterSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'dataset registration');
    const dataset = await datasets.registerDataset(callerOf(res), parsed.data);
    res.status(201).location(`datasets/${dataset.name}`).json(dataset);
  });

  router.get('/datasets/:name', (req, res) => {
    res.json(datasets.getDataset(callerOf(res).user, req.params.name));
  });

  router.delete('/datasets/:name', async (req, res) => {
    await datasets.deleteDataset(callerOf(res), req.params.name);
    res.status(204).end();
  });

  router.get('/datasets/:name/objects', async (req, res) => {
    const query = parse(ListQuerySchema, req, 'listing query');
    res.json(await browser.listObjects(callerOf(res).user, req.params.name, query));
  });

  router.get('/datasets/:name/preview', async (req, res) => {
    const { path } = parse(PathQuerySchema, req, 'preview query');
    res.json(await browser.previewObject(callerOf(res).user, req.params.name, path));
  });

  router.get('/datasets/:name/download', async (req, res) => {
    const { path } = parse(PathQuerySchema, req, 'download query');
    const object = await browser.downloadObject(callerOf(res).user, req.params.name, path);
    res.status(200);
    res.setHeader('Content-Type', object.contentType);
    res.setHeader('Content-Length', String(object.size));
    res.setHeader('Content-Disposition', attachment(object.fileName));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // A client that goes away ends the S3 read too (pipeline destroys both).
    await pipeline(object.body, res).catch(() => undefined);
  });

  router.post('/datasets/:name/uploads', async (req, res) => {
    const parsed = StartUploadSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'upload');
    const upload = await uploads.startUpload(callerOf(res).user, req.params.name, parsed.data);
    res.status(201).location(`datasets/${upload.dataset}/uploads/${upload.id}`).json(upload);
  });

  router.put(
    '/datasets/:name/uploads/:id/parts/:n',
    readPart,
    async (req: Request<{ name: string; id: string; n: string }>, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const partNumber = /^\d{1,5}$/.test(req.params.n) ? Number(req.params.n) : NaN;
      res.json(await uploads.uploadPart(callerOf(res).user, req.params.name, req.params.id, partNumber, body));
    }
  );

  router.post('/datasets/:name/uploads/:id/complete', async (req, res) => {
    res.json(await uploads.completeUpload(callerOf(res).user, req.params.name, req.params.id));
  });

  router.delete('/datasets/:name/uploads/:id', async (req, res) => {
    await uploads.abortUpload(callerOf(res).user, req.params.name, req.params.id);
    res.status(204).end();
  });

  return router;
}

// Only here the body may be as large as one part; everywhere else the API's 1 MB JSON limit holds.
const partBody = express.raw({ type: 'application/octet-stream', limit: UPLOAD_PART_BYTES });
const readPart: RequestHandler = (req, res, next) =>
  partBody(req, res, (error?: unknown) =>
    next(
      (error as { type?: string } | undefined)?.type === 'entity.too.large'
        ? new PrismError('PART_TOO_LARGE', 413, 'Part too large', `A part may have at most ${UPLOAD_PART_BYTES} bytes.`, "Cut the file into parts of the upload's partSize.")
        : error
    )
  );

function parse<T>(schema: z.ZodType<T>, req: Request, what: string): T {
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) throw invalidBody(parsed.error, what);
  return parsed.data;
}

/** `filename` for old clients (ASCII, quotes escaped), `filename*` (RFC 5987) for the real name. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
