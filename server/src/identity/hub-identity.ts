/**
 * Behind JupyterHub every caller is a hub user: the hub says whose a token is
 * (`GET {api}/user` with that token, as jupyterhub/services/auth.py does) and
 * which scopes it holds. A token that may not reach this service is refused
 * with 403 and a hint, not treated as unknown. Answers are kept for a short
 * while, keyed by the token's SHA-256, so a page of requests asks the hub once.
 */
import crypto from 'node:crypto';
import type { HubSettings } from '../config';
import { PrismError } from '../domain/errors';
import type { Caller, IdentityProvider } from '../domain/ports';
import type { Logger } from '../logger';

/** How long the hub's answer about a token is believed; a revoked token may work this long. */
export const HUB_ANSWER_TTL_MS = 30_000;
const CACHE_LIMIT = 10_000;

/** The part of the hub's user model Prism reads. */
interface HubUser {
  name: string;
  kind?: string;
  admin?: boolean;
  groups?: string[];
  scopes?: string[];
}

type Outcome = Caller | null | PrismError;

export function createHubIdentity(hub: HubSettings, logger: Logger, ttlMs = HUB_ANSWER_TTL_MS): IdentityProvider {
  const cache = new Map<string, { at: number; outcome: Outcome }>();

  async function ask(token: string): Promise<Outcome> {
    let response: Response;
    try {
      response = await fetch(`${hub.apiUrl}/user`, { headers: { Authorization: `token ${token}` } });
    } catch (error) {
      logger.warn({ apiUrl: hub.apiUrl, err: (error as Error).message }, 'the hub did not answer');
      throw hubUnavailable(hub, 'no answer');
    }
    // The hub answers 403 (older ones 401) for a token it does not know.
    if (response.status === 401 || response.status === 403) return null;
    if (!response.ok) {
      logger.warn({ apiUrl: hub.apiUrl, status: response.status }, 'the hub could not say who a token belongs to');
      throw hubUnavailable(hub, `HTTP ${response.status}`);
    }
    return callerOf((await response.json()) as HubUser, hub);
  }

  return {
    async authenticate(token) {
      if (!token) return null;
      const key = crypto.createHash('sha256').update(token).digest('hex');
      const now = Date.now();
      const kept = cache.get(key);
      let outcome: Outcome;
      if (kept && now - kept.at < ttlMs) {
        outcome = kept.outcome;
      } else {
        outcome = await ask(token);
        if (cache.size >= CACHE_LIMIT) forgetExpired(cache, now, ttlMs);
        cache.set(key, { at: now, outcome });
      }
      if (outcome instanceof PrismError) throw outcome;
      return outcome;
    }
  };
}

/** The hub user as a Prism caller, or a 403 when the token may not reach this service. */
export function callerOf(user: HubUser, hub: HubSettings): Caller | PrismError {
  if (user.kind && user.kind !== 'user') {
    return new PrismError(
      'HUB_USER_REQUIRED',
      403,
      'Not a hub user',
      `This token belongs to the hub ${user.kind} '${user.name}', and Prism serves people.`,
      'Use a token of a hub user (Token page of the hub, or POST /hub/api/users/<name>/tokens).'
    );
  }
  const scopes = new Set(user.scopes ?? []);
  const allowed = scopes.has('access:services') || hub.accessScopes.some(s => scopes.has(s));
  if (!allowed) {
    return new PrismError(
      'HUB_SCOPE_MISSING',
      403,
      'Token may not reach Prism',
      `This hub token of '${user.name}' lacks the scope to reach the ${hub.serviceName} service.`,
      `Make a token with the scope ${hub.accessScopes[0]} (or access:services) on the hub's Token page; if the hub refuses, ask its admin to grant that scope to your role (docs/jupyterhub.md).`
    );
  }
  const admin = user.admin === true || (user.groups ?? []).includes(hub.adminGroup);
  return { user: user.name, roles: admin ? ['admin'] : ['user'], projects: [] };
}

function hubUnavailable(hub: HubSettings, why: string): PrismError {
  return new PrismError(
    'HUB_UNAVAILABLE',
    502,
    'JupyterHub did not answer',
    `Prism could not ask JupyterHub who is calling (${why}).`,
    `Check that the hub's API at ${hub.apiUrl} is up and that Prism's JUPYTERHUB_API_TOKEN is still registered; then try again.`
  );
}

function forgetExpired(cache: Map<string, { at: number }>, now: number, ttlMs: number): void {
  for (const [key, entry] of cache) {
    if (now - entry.at >= ttlMs) cache.delete(key);
  }
  // Still full of fresh answers: start over rather than grow without bound.
  if (cache.size >= CACHE_LIMIT) cache.clear();
}
