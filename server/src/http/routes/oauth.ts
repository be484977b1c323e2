/**
 * Behind JupyterHub: `login` starts the hub's OAuth code flow, `oauth_callback`
 * finishes it and sets the session cookie, `signed-in` is where a sign-in
 * lands (JupyterLab opens the flow in a hidden frame and waits for that page).
 */
import { Router, type Response } from 'express';
import type { IdentityProvider } from '../../domain/ports';
import { SIGN_IN_STATE_MAX_AGE_S, type HubSignIn } from '../../identity/hub-sign-in';
import { callerOf, requireCaller } from '../auth';
import { sendProblem } from '../problem';
import { cookieOptions } from '../security';

export const SIGNED_IN_MESSAGE = 'prism:signed-in';

export function hubSignInRouter(signIn: HubSignIn, identity: IdentityProvider): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    const next = typeof req.query.next === 'string' ? req.query.next : '';
    const { authorizeUrl, stateCookieValue } = signIn.start(next);
    setCookie(res, signIn, signIn.stateCookie, stateCookieValue, SIGN_IN_STATE_MAX_AGE_S, req.protocol === 'https');
    res.redirect(302, authorizeUrl);
  });

  router.get('/oauth_callback', async (req, res, next) => {
    try {
      const state = typeof req.query.state === 'string' ? req.query.state : '';
      const code = typeof req.query.code === 'string' ? req.query.code : '';
      const returnTo = state ? signIn.finish(req.headers, state) : undefined;
      if (!returnTo || !code) {
        return sendProblem(res, {
          type: 'https://prism.dev/problems/sign-in-state-mismatch',
          title: 'Sign-in not completed',
          status: 400,
          detail: 'This sign-in was not started by this browser, or it took longer than 10 minutes.',
          code: 'OAUTH_STATE_MISMATCH',
          hint: `Sign in again at ${signIn.loginUrl}.`
        });
      }
      const session = await signIn.exchange(code);
      const secure = req.protocol === 'https';
      setCookie(res, signIn, signIn.stateCookie, '', 0, secure);
      setCookie(res, signIn, signIn.sessionCookie, session, undefined, secure);
      res.redirect(302, returnTo);
    } catch (error) {
      next(error);
    }
  });

  router.get('/signed-in', requireCaller(identity, signIn), (_req, res) => {
    const user = callerOf(res).user;
    // The page tells the JupyterLab window that opened it, then is done.
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Prism</title><p>Signed in to Prism as ${escapeHtml(user)}.</p>` +
          `<script>(window.opener||window.parent).postMessage(${JSON.stringify(SIGNED_IN_MESSAGE)},location.origin)</script>`
      );
  });

  return router;
}

function setCookie(res: Response, signIn: HubSignIn, name: string, value: string, maxAgeS: number | undefined, secure: boolean): void {
  res.cookie(name, value, cookieOptions(signIn.baseUrl, secure, maxAgeS));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}
