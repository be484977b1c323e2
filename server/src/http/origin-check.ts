/**
 * Only pages Prism trusts may change anything (docs/api.md, "Limits and
 * security"). A browser sends Prism's credentials by itself — the hub
 * session cookie, or jupyter-server-proxy's token behind JupyterLab's own
 * login — so a page from any other site could otherwise post a launch or a
 * deletion in the researcher's name. Trusted: the service's own origin
 * (its Host as the browser saw it, so also JupyterLab's origin through
 * jupyter-server-proxy and the hub's through its proxy, both of which keep
 * the Host), and the origins config.ts lists (PRISM_ALLOWED_ORIGINS, the
 * public URLs). Scripts send a token and no Origin, and are judged by the
 * token alone.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { HubSignIn } from '../identity/hub-sign-in';
import { sendProblem } from './problem';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const SETTING_HINT =
  'Open Prism from JupyterLab or at its own address; an administrator can allow another site with PRISM_ALLOWED_ORIGINS (origins separated by commas, e.g. https://lab.example.org).';

/** `origin` is the service's own (as this request's Host says) or one of `allowed`; "null" and non-URLs never are. */
export function isAllowedOrigin(origin: string, headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.has(url.origin)) return true;
  const forwarded = headers['x-forwarded-host'];
  const hosts = [headers.host, ...(Array.isArray(forwarded) ? forwarded : (forwarded ?? '').split(','))].map(h => h?.trim()).filter(Boolean);
  return hosts.includes(url.host);
}

/** Browsers that send no Origin still say where a request comes from in Sec-Fetch-Site (on https and loopback). */
const fromAnotherSite = (headers: IncomingHttpHeaders): boolean => {
  const site = headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
};

/**
 * POST, PUT, PATCH and DELETE: an Origin must be allowed; without one, a
 * request whose credentials are the browser's session cookie must be
 * `Sec-Fetch-Site: same-origin` (a browser sends one or the other).
 * Refused with 403 ORIGIN_NOT_ALLOWED before the body is read.
 */
export function refuseForeignWrites(allowedOrigins: readonly string[], signIn?: HubSignIn): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (isAllowedOrigin(origin, req.headers, allowed)) return next();
      return sendProblem(res, {
        type: 'https://prism.dev/problems/origin-not-allowed',
        title: 'Request from another site refused',
        status: 403,
        detail: `This ${req.method} came from a page at ${describeOrigin(origin)}, which may not change anything in Prism.`,
        code: 'ORIGIN_NOT_ALLOWED',
        hint: SETTING_HINT
      });
    }
    const bySessionCookie = req.headers.authorization === undefined && signIn?.tokenOf(req.headers) !== undefined;
    if (fromAnotherSite(req.headers) || (bySessionCookie && req.headers['sec-fetch-site'] !== 'same-origin')) {
      return sendProblem(res, {
        type: 'https://prism.dev/problems/origin-not-allowed',
        title: 'Request from an unknown page refused',
        status: 403,
        detail: `This ${req.method} does not say which page sent it (no Origin header) and ${
          fromAnotherSite(req.headers) ? 'the browser says it came from another site' : "it is signed in only by the browser's Prism session"
        }.`,
        code: 'ORIGIN_NOT_ALLOWED',
        hint: `A script sends "Authorization: token <hub token>" instead of the session cookie. ${SETTING_HINT}`
      });
    }
    next();
  };
}

/**
 * The socket.io handshake, the same way: a browser's WebSocket always sends
 * Origin, which must be allowed. Without one (a script, or a same-origin
 * polling GET) only the token decides, unless the browser says it came from
 * another site.
 */
export function socketOriginAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return !fromAnotherSite(req.headers);
  return isAllowedOrigin(origin, req.headers, new Set(allowedOrigins));
}

/** The origin as a URL has it, never the raw header (it could be anything, of any length). */
function describeOrigin(origin: string): string {
  try {
    const parsed = new URL(origin).origin;
    return parsed === 'null' ? 'an opaque origin ("null")' : parsed;
  } catch {
    return 'an origin that is not a URL';
  }
}
