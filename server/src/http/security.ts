/**
 * What every answer carries for the browser's safety (docs/api.md, "Limits and
 * security"): helmet's headers with a Content-Security-Policy fit for a
 * JupyterHub service (an API: nothing may load, only JupyterLab's own origin
 * may frame it), HSTS only when the public URL is https, and one set of
 * cookie options so every cookie is HttpOnly, SameSite=Lax and Secure over https.
 */
import type { CookieOptions, ErrorRequestHandler, RequestHandler } from 'express';
import helmet from 'helmet';
import { sendProblem } from './problem';

/** API answers: JSON never needs to load anything; 'self' lets JupyterLab (same origin behind the hub) frame the sign-in. */
const API_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'self'"], baseUri: ["'none'"], formAction: ["'none'"] };

/** The sign-in pages end in one inline script that tells JupyterLab the sign-in is done. */
const SIGN_IN_CSP = { ...API_CSP, scriptSrc: ["'unsafe-inline'"] };

export function securityHeaders(options: { https: boolean; signInPaths?: string[] }): RequestHandler {
  const make = (directives: Record<string, string[]>): RequestHandler =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      // Frames are governed by frame-ancestors; X-Frame-Options cannot say 'self' behind the hub's proxy any better.
      frameguard: { action: 'sameorigin' },
      strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
      // JupyterLab fetches the API from its own origin; other sites' pages may not read it.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' }
    });
  const api = make(API_CSP);
  const signIn = make(SIGN_IN_CSP);
  const signInPaths = new Set(options.signInPaths ?? []);
  return (req, res, next) => (signInPaths.has(req.path) ? signIn(req, res, next) : api(req, res, next));
}

/** Every cookie Prism sets (the hub sign-in's state and session): scripts cannot read it, other sites cannot send it. */
export function cookieOptions(path: string, secure: boolean, maxAgeSeconds?: number): CookieOptions {
  return {
    path,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds * 1000 })
  };
}

/** A JSON body over PRISM_MAX_JSON_BYTES: 413 before any route reads it. */
export function payloadTooLarge(maxBytes: number): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if ((error as { type?: string } | undefined)?.type !== 'entity.too.large') return next(error);
    sendProblem(res, {
      type: 'https://prism.dev/problems/payload-too-large',
      title: 'Request body too large',
      status: 413,
      detail: `A request body may have at most ${maxBytes} bytes.`,
      code: 'PAYLOAD_TOO_LARGE',
      hint: 'Send less at once (files go to a dataset upload, part by part); an administrator can raise PRISM_MAX_JSON_BYTES.'
    });
  };
}
