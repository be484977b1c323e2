/**
 * One error middleware: every error leaves as application/problem+json with a
 * stable `code` and a `hint`. Unexpected errors are logged, never shown.
 */
import type { Duplex } from 'node:stream';
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
    if (error instanceof URIError) {
      return sendProblem(res, {
        type: 'https://prism.dev/problems/invalid-path',
        title: 'URL not readable',
        status: 400,
        detail: `A part of ${req.path.slice(0, 200)} is not valid percent-encoding.`,
        code: 'INVALID_PATH',
        hint: 'Encode each path part with encodeURIComponent (a % must be followed by two hex digits).'
      });
    }
    const unreadable = unreadableBody(error);
    if (unreadable) {
      return sendProblem(res, unreadable);
    }
    if (!(error instanceof PrismError)) {
      logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error');
    }
    sendProblem(res, toProblem(error));
  };
}

/**
 * The body parser's own refusals (an unknown charset or Content-Encoding, a
 * body that does not decompress, one too large): the client's fault, so a 4xx
 * with its message, never the 500 of an unexpected error.
 */
function unreadableBody(error: unknown): Problem | undefined {
  const e = error as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown } | undefined;
  if (error instanceof PrismError || typeof e?.status !== 'number' || e.status < 400 || e.status > 499 || e.expose !== true) return undefined;
  const [code, hint] =
    e.type === 'charset.unsupported'
      ? ['UNSUPPORTED_CHARSET', 'Send JSON in UTF-8: Content-Type: application/json (charset=utf-8 or none).']
      : e.type === 'encoding.unsupported'
        ? ['UNSUPPORTED_ENCODING', 'Send the body as is, or compressed with gzip, deflate or br and a matching Content-Encoding.']
        : e.type === 'entity.too.large'
          ? ['PAYLOAD_TOO_LARGE', 'Send less at once; files go to a dataset upload, part by part.']
          : ['BODY_UNREADABLE', 'Send the body as is, or compressed as its Content-Encoding says.'];
  return {
    type: `https://prism.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: 'The request body could not be read',
    status: e.status,
    detail: typeof e.message === 'string' ? `The request body could not be read: ${e.message}.` : 'The request body could not be read.',
    code,
    hint
  };
}

/**
 * A request Node's HTTP parser refuses before Express sees it (headers or URL
 * over Node's 16 KB, a malformed request line) still gets a problem+json,
 * not Node's bare status line.
 */
export function refuseMalformedRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const problem: Problem = tooLarge
    ? {
        type: 'https://prism.dev/problems/headers-too-large',
        title: 'Request headers too large',
        status: 431,
        detail: 'The URL and headers of this request are longer than Prism reads.',
        code: 'HEADERS_TOO_LARGE',
        hint: 'Send long values in a JSON body, not in the URL; drop cookies this site does not need.'
      }
    : {
        type: 'https://prism.dev/problems/malformed-request',
        title: 'Malformed request',
        status: 400,
        detail: 'This is not an HTTP request Prism can read.',
        code: 'MALFORMED_REQUEST',
        hint: 'Send a well-formed HTTP/1.1 request (a client library does).'
      };
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
