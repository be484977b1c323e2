import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Caller } from '../../domain/ports';
import { createLogger } from '../../logger';
import { TemplateLibrary } from '../../templates/template-library';
import { problemMiddleware } from '../problem';
import { templatesRouter } from './templates';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'templates');

/** The templates routes for a caller the identity layer already established. */
async function serveAs(caller: Caller): Promise<{ url: string; close(): void }> {
  const library = await TemplateLibrary.open(TEMPLATES_DIR);
  const app = express();
  app.use(express.json());
  app.use((_req, res, next) => {
    res.locals.caller = caller;
    next();
  });
  app.use(templatesRouter(library, 'us-east-1', () => []));
  app.use(problemMiddleware(createLogger('silent')));
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

it('lets only an admin choose the version a template offers, telling others what they can do', async () => {
  const researcher = await serveAs({ user: 'ada', roles: [], projects: [] });
  const res = await fetch(`${researcher.url}/templates/amazon-linux/current`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ version: '1.0.0' })
  });
  researcher.close();
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('launch any version by naming it') });

  const admin = await serveAs({ user: 'grace', roles: ['admin'], projects: [] });
  const ok = await fetch(`${admin.url}/templates/amazon-linux/current`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ version: '1.0.0' })
  });
  admin.close();
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual(expect.arrayContaining([{ version: '1.0.0', loadedAt: expect.any(String), current: true }]));
});
