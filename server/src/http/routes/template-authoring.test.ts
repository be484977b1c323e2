import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { PrismError } from '../../domain/errors';
import type { Caller } from '../../domain/ports';
import type { TemplateAuthoring } from '../../templates/template-authoring';
import { createLogger } from '../../logger';
import { problemMiddleware } from '../problem';
import { templateAuthoringRouter } from './template-authoring';

/** The route behind a caller with `roles`, with an authoring that records what it was asked. */
async function serve(roles: string[]): Promise<{ url: string; saved: string[]; close(): void }> {
  const saved: string[] = [];
  const authoring: TemplateAuthoring = {
    async saveTemplateVersion(yaml) {
      saved.push(yaml);
      return { diagnostics: [] };
    }
  };
  const app = express();
  app.use(express.json());
  app.use((_req, res, next) => {
    res.locals.caller = { user: 'ada', roles, projects: [] } satisfies Caller;
    next();
  });
  // ada is a viewer of `lab`, and in no other project.
  const requireMember = (_user: string, project: string): void => {
    throw project === 'lab'
      ? new PrismError('FORBIDDEN', 403, 'Not allowed', 'You are a viewer of project lab.', 'Ask a project admin to make you a member.')
      : new PrismError('PROJECT_NOT_FOUND', 404, 'No such project', `There is no project '${project}'.`, 'List your projects.');
  };
  app.use(templateAuthoringRouter(authoring, 'us-east-1', requireMember));
  app.use(problemMiddleware(createLogger('silent')));
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/templates`, saved, close: () => server.close() };
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

it('refuses a caller without the admin role with 403 FORBIDDEN and a hint, saving nothing', async () => {
  const route = await serve(['member']);
  try {
    const res = await post(route.url, { yaml: 'name: lab\nversion: "1.0.0"\n' });
    expect(res.status).toBe(403);
    const problem = (await res.json()) as { code: string; hint: string };
    expect(problem.code).toBe('FORBIDDEN');
    expect(problem.hint).toMatch(/Export YAML/);
    expect(route.saved).toEqual([]);
  } finally {
    route.close();
  }
});

it('refuses a body without yaml with 400 INVALID_REQUEST', async () => {
  const route = await serve(['admin']);
  try {
    const res = await post(route.url, { template: 'lab' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('INVALID_REQUEST');
    expect(route.saved).toEqual([]);
  } finally {
    route.close();
  }
});

it("refuses a save into a project the caller only views (403) or is not in (404), saving nothing", async () => {
  const route = await serve(['admin']);
  try {
    const yaml = 'name: lab\nversion: "1.0.0"\n';
    const viewer = await post(route.url, { yaml, scope: { project: 'lab' } });
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.any(String) });
    const stranger = await post(route.url, { yaml, scope: { project: 'other' } });
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    expect(route.saved).toEqual([]);
  } finally {
    route.close();
  }
});
