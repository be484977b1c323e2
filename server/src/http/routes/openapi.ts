/**
 * GET /openapi.json: the OpenAPI document of API v1. It needs no caller: it
 * holds no secrets, only what docs/api.md already says, and tools read it
 * before they have a token.
 */
import { Router } from 'express';
import { listRoutes } from '../audit-middleware';
import { openApiDocument, type OpenApiDocument, type OpenApiOptions } from '../openapi/document';

export function openApiRouter(api: Router, options: OpenApiOptions): Router {
  const router = Router();
  // Built at the first request, when every router is mounted on `api`.
  let document: OpenApiDocument | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= openApiDocument(listRoutes(api), options);
    res.json(document);
  });
  return router;
}
