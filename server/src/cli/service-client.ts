/**
 * The CLI's one seam to a running Prism service: the same REST API the
 * extension uses, with the service's token. Problems come back as CliErrors
 * carrying the service's title, detail and hint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './cli-error';

const DEFAULT_URL = 'http://127.0.0.1:8787/';

export interface ServiceOptions {
  url?: string;
  token?: string;
}

export class ServiceClient {
  readonly url: string;
  /** Also the socket's `auth: { token }` (realtime-client.ts). */
  readonly token: string | undefined;

  constructor(options: ServiceOptions, env: NodeJS.ProcessEnv = process.env) {
    const url = options.url ?? env.PRISM_URL ?? DEFAULT_URL;
    this.url = url.endsWith('/') ? url : `${url}/`;
    this.token = options.token ?? env.PRISM_TOKEN ?? readTokenFile(env);
  }

  async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}api/v1${route}`, {
        method,
        headers: {
          ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
        },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    } catch (error) {
      throw new CliError(
        'Cannot reach Prism',
        `No answer from ${this.url}: ${(error as Error).cause ?? (error as Error).message}.`,
        'Start the service with `prism-server`, or point at a running one with --url or PRISM_URL.',
        'SERVICE_UNREACHABLE'
      );
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw problemError(res.status, parsed);
    return parsed as T;
  }

  get<T>(route: string): Promise<T> {
    return this.request<T>('GET', route);
  }
}

/** prism-server writes a token here when PRISM_TOKEN is unset (DESIGN, "Running it"). */
function readTokenFile(env: NodeJS.ProcessEnv): string | undefined {
  const dataDir = env.PRISM_DATA_DIR ?? path.join(os.homedir(), '.prism');
  try {
    return fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function problemError(status: number, body: unknown): CliError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string, fallback: string): string => (typeof problem[key] === 'string' ? (problem[key] as string) : fallback);
  return new CliError(
    text('title', `HTTP ${status}`),
    text('detail', 'The service refused the request.'),
    text('hint', status === 401 ? 'Pass the service token with --token or PRISM_TOKEN.' : 'See docs/api.md.'),
    text('code', `HTTP_${status}`),
    1,
    problem.policyStatement
  );
}
