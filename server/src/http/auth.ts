/**
 * Every API route but the boot reports needs a caller: a bearer token the
 * identity provider accepts. The caller is kept on `res.locals.caller`.
 */
import type { RequestHandler, Response } from 'express';
import type { Caller, IdentityProvider } from '../domain/ports';
import { sendProblem } from './problem';

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:Bearer|token)\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}

export function requireCaller(identity: IdentityProvider): RequestHandler {
  return async (req, res, next) => {
    try {
      const caller = await identity.authenticate(bearerToken(req.headers.authorization));
      if (!caller) {
        return sendProblem(res, {
          type: 'https://prism.dev/problems/unauthenticated',
          title: 'Not signed in',
          status: 401,
          detail: 'This request carries no valid Prism token.',
          code: 'UNAUTHENTICATED',
          hint: 'Send "Authorization: Bearer <token>": the token printed when prism-server started, or open Prism from JupyterLab.'
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
