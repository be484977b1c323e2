/**
 * Every API route but the boot reports needs a caller: a bearer token the
 * identity provider accepts. The caller is kept on `res.locals.caller`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Caller, IdentityProvider } from '../domain/ports';
import type { HubSignIn } from '../identity/hub-sign-in';
import { sendProblem } from './problem';

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:Bearer|token)\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}

/** The token a request or socket handshake carries: its Authorization header, else (behind JupyterHub) its session cookie. */
export function tokenOf(headers: IncomingHttpHeaders, signIn?: HubSignIn): string | undefined {
  return bearerToken(headers.authorization) ?? signIn?.tokenOf(headers);
}

/** A page the browser is opening, not a script's fetch: it can be sent to sign in. */
function isNavigation(req: Request): boolean {
  const mode = req.headers['sec-fetch-mode'];
  return req.method === 'GET' && (mode ? mode === 'navigate' : (req.headers.accept ?? '').includes('text/html'));
}

/** `signIn`: behind JupyterHub, where a browser without a session is sent. */
export function requireCaller(identity: IdentityProvider, signIn?: HubSignIn): RequestHandler {
  return async (req, res, next) => {
    try {
      const caller = await identity.authenticate(tokenOf(req.headers, signIn));
      if (!caller && signIn && isNavigation(req)) {
        return res.redirect(302, `${signIn.loginUrl}?${new URLSearchParams({ next: req.originalUrl })}`);
      }
      if (!caller) {
        return sendProblem(res, {
          type: 'https://prism.dev/problems/unauthenticated',
          title: 'Not signed in',
          status: 401,
          detail: signIn ? 'This request carries no valid JupyterHub token or Prism session.' : 'This request carries no valid Prism token.',
          code: 'UNAUTHENTICATED',
          hint: signIn
            ? `Sign in at ${signIn.loginUrl} (through JupyterHub), or send "Authorization: token <hub token>" with a token that has the access:services scope for Prism.`
            : 'Send "Authorization: Bearer <token>": the token printed when prism-server started, or open Prism from JupyterLab.'
        });
      }
      res.locals.caller = caller;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}
