/**
 * One error middleware: every error leaves as application/problem+json with a
 * stable `code` and a `hint`. Unexpected errors are logged, never shown.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import type { Problem } from '../contract/events';
import { PrismError } from '../domain/errors';
import { toProblem } from '../domain/launch-problems';
import type { Logger } from '../logger';

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

export function invalidBody(error: z.ZodError, what: string): PrismError {
  const fields = error.issues.map(i => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return new PrismError(
    'INVALID_REQUEST',
    400,
    `Invalid ${what}`,
    fields.join('; '),
    `Fix the fields named above; the API reference (docs/api.md) lists each field of ${what}.`
  );
}

export const notFoundRoute: RequestHandler = (req, res) =>
  sendProblem(res, {
    type: 'https://prism.dev/problems/route-not-found',
    title: 'No such route',
    status: 404,
    detail: `${req.method} ${req.path} is not part of the Prism API.`,
    code: 'ROUTE_NOT_FOUND',
    hint: 'Routes live under <base>/api/v1; see docs/api.md.'
  });

export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof z.ZodError) {
      return sendProblem(res, toProblem(invalidBody(error, 'request')));
    }
    if (error?.type === 'entity.parse.failed') {
      return sendProblem(res, toProblem(new PrismError('INVALID_JSON', 400, 'Body is not JSON', 'The request body could not be parsed as JSON.', 'Send a JSON object with Content-Type: application/json.')));
    }
    if (!(error instanceof PrismError)) {
      logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error');
    }
    sendProblem(res, toProblem(error));
  };
}
