/**
 * A browser signs in to Prism through the hub's OAuth code flow, as any hub
 * service does: Prism sends it to the hub's authorize URL with a random
 * state (kept in a short-lived cookie), the hub sends it back to
 * `oauth_callback` with a code, and Prism trades the code for the user's hub
 * token. That token rides in an HttpOnly cookie limited to the service's
 * prefix, sealed with AES-256-GCM under a key derived from the service's own
 * hub token, so the browser never holds it readable and a restart keeps
 * sessions.
 */
import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HubSettings } from '../config';
import { PrismError } from '../domain/errors';

/** How long a started sign-in may take before its state is forgotten (the hub's default too). */
export const SIGN_IN_STATE_MAX_AGE_S = 600;

export interface HubSignIn {
  /** The service's prefix, e.g. /services/prism/ (the cookies' Path). */
  baseUrl: string;
  sessionCookie: string;
  stateCookie: string;
  /** Where a browser starts signing in. */
  loginUrl: string;
  /** The hub token a request's session cookie carries, if it carries a good one. */
  tokenOf(headers: IncomingHttpHeaders): string | undefined;
  /** The hub's authorize URL for a new sign-in and the state cookie's value that goes with it. */
  start(next: string): { authorizeUrl: string; stateCookieValue: string };
  /** The page to return to once `state` (from the hub's redirect) proves the sign-in is this browser's. */
  finish(headers: IncomingHttpHeaders, state: string): string | undefined;
  /** Trades the hub's code for the user's token and answers the session cookie's value. */
  exchange(code: string): Promise<string>;
}

export function createHubSignIn(hub: HubSettings, baseUrl: string): HubSignIn {
  const key = crypto.createHash('sha256').update('prism hub session\0').update(hub.apiToken).digest();
  // Named after the OAuth client, as the hub's own services name theirs.
  const sessionCookie = hub.clientId.replace(/[^A-Za-z0-9_-]/g, '-');
  const stateCookie = `${sessionCookie}-oauth-state`;

  const seal = (text: string): string => {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  };
  const open = (sealed: string | undefined): string | undefined => {
    if (!sealed) return undefined;
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  };

  return {
    baseUrl,
    sessionCookie,
    stateCookie,
    loginUrl: `${baseUrl}login`,
    tokenOf: headers => open(cookie(headers, sessionCookie)),
    start(next) {
      const state = crypto.randomBytes(16).toString('base64url');
      const query = new URLSearchParams({ client_id: hub.clientId, redirect_uri: hub.callbackUrl, response_type: 'code', state });
      return {
        authorizeUrl: `${hub.authorizeUrl}?${query}`,
        stateCookieValue: seal(JSON.stringify({ state, next: safeNext(next, baseUrl) }))
      };
    },
    finish(headers, state) {
      const kept = open(cookie(headers, stateCookie));
      if (!kept) return undefined;
      const parsed = JSON.parse(kept) as { state: string; next: string };
      const expected = Buffer.from(parsed.state);
      const given = Buffer.from(state);
      return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? parsed.next : undefined;
    },
    async exchange(code) {
      const body = new URLSearchParams({
        client_id: hub.clientId,
        client_secret: hub.apiToken,
        grant_type: 'authorization_code',
        code,
        redirect_uri: hub.callbackUrl
      });
      let response: Response;
      try {
        response = await fetch(`${hub.apiUrl}/oauth2/token`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      } catch {
        throw new PrismError('HUB_UNAVAILABLE', 502, 'JupyterHub did not answer', 'Prism could not finish signing in: the hub did not answer.', `Check that the hub's API at ${hub.apiUrl} is up, then sign in again.`);
      }
      if (!response.ok) {
        throw new PrismError(
          'HUB_SIGN_IN_FAILED',
          403,
          'Sign-in not completed',
          `JupyterHub did not accept the sign-in code (HTTP ${response.status}).`,
          `Sign in again at ${baseUrl}login; a code works once and only for a few minutes.`
        );
      }
      const { access_token: token } = (await response.json()) as { access_token?: string };
      if (!token) throw new PrismError('HUB_SIGN_IN_FAILED', 403, 'Sign-in not completed', 'JupyterHub answered without a token.', `Sign in again at ${baseUrl}login.`);
      return seal(token);
    }
  };
}

/** Only a page of this service may be returned to, never another site (an open redirect). */
function safeNext(next: string, baseUrl: string): string {
  return next.startsWith(baseUrl) && !next.startsWith('//') && !/[\\\r\n]/.test(next) ? next : `${baseUrl}signed-in`;
}

function cookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}
