/**
 * /projects/:id/notebooks: shared notebooks (docs/api.md, "Shared notebooks").
 * A version is published as the notebook file's bytes (Content-Type
 * application/x-ipynb+json), and read back as exactly those bytes.
 */
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { PrismError } from '../../domain/errors';
import { notebookTooLarge, versionNumber, type SharedNotebooks } from '../../domain/shared-notebooks';
import { NOTEBOOK_MAX_BYTES } from '../../domain/shared-notebooks-checks';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const NOTEBOOK_MEDIA_TYPE = 'application/x-ipynb+json';

export const PublishQuerySchema = z.object({ note: z.string().max(500).optional() });

type NotebookParams = { id: string; name: string };

export function sharedNotebooksRouter(notebooks: SharedNotebooks): Router {
  const router = Router();

  router.get('/projects/:id/notebooks', async (req, res) => {
    res.json(await notebooks.listNotebooks(callerOf(res), req.params.id));
  });

  router.post(
    '/projects/:id/notebooks/:name/versions',
    // Who may not publish is refused before their body is read.
    (req: Request<NotebookParams>, res, next) => {
      notebooks.requirePublisher(callerOf(res).user, req.params.id);
      next();
    },
    readNotebook,
    async (req: Request<NotebookParams>, res) => {
      const query = PublishQuerySchema.safeParse(req.query);
      if (!query.success) throw invalidBody(query.error, 'publish query');
      if (!Buffer.isBuffer(req.body)) throw wrongMediaType(req.get('Content-Type'));
      const version = await notebooks.publishNotebook(callerOf(res).user, req.params.id, req.params.name, req.body, query.data.note);
      res
        .status(201)
        .location(`${encodeURIComponent(req.params.name)}/versions/${version.version}`)
        .json(version);
    }
  );

  router.get('/projects/:id/notebooks/:name/versions', async (req, res) => {
    res.json(await notebooks.listVersions(callerOf(res).user, req.params.id, req.params.name));
  });

  router.get('/projects/:id/notebooks/:name/versions/:version', async (req, res) => {
    const { version, bytes } = await notebooks.openVersion(callerOf(res).user, req.params.id, req.params.name, versionNumber(req.params.version));
    res.status(200);
    res.setHeader('Content-Type', NOTEBOOK_MEDIA_TYPE);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('ETag', `"${version.sha256}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(version.name)}`);
    res.end(bytes);
  });

  router.delete('/projects/:id/notebooks/:name', async (req, res) => {
    await notebooks.unpublishNotebook(callerOf(res), req.params.id, req.params.name);
    res.status(204).end();
  });

  router.delete('/projects/:id/notebooks/:name/versions/:version', async (req, res) => {
    await notebooks.unpublishVersion(callerOf(res), req.params.id, req.params.name, versionNumber(req.params.version));
    res.status(204).end();
  });

  return router;
}

// Only here the body may be a whole notebook; everywhere else the API's JSON limit holds.
const notebookBody = express.raw({ type: [NOTEBOOK_MEDIA_TYPE, 'application/octet-stream'], limit: NOTEBOOK_MAX_BYTES });
const readNotebook: RequestHandler = (req, res, next) =>
  notebookBody(req, res, (error?: unknown) => next((error as { type?: string } | undefined)?.type === 'entity.too.large' ? notebookTooLarge() : error));

function wrongMediaType(type: string | undefined): PrismError {
  return new PrismError(
    'NOTEBOOK_MEDIA_TYPE',
    415,
    'Send the notebook file itself',
    `A notebook is published as its file's bytes, not as ${type ?? 'a body without Content-Type'}.`,
    `Send the .ipynb file unchanged with Content-Type ${NOTEBOOK_MEDIA_TYPE} (JSON bodies are parsed, which would change its bytes).`
  );
}
