/**
 * Under JupyterHub, Prism is the hub service `<hub base>/services/prism/` and
 * knows a browser by a cookie it sets at the end of the hub's OAuth sign-in
 * (docs/jupyterhub.md). The user is already signed in to the hub, so the
 * sign-in runs in a hidden frame: the hub sends the frame straight back to
 * Prism, whose last page (`signed-in`) posts a message to this window.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

/** What the service's `signed-in` page posts (server/src/http/routes/oauth.ts). */
const SIGNED_IN_MESSAGE = 'prism:signed-in';
/** A hub that asks for confirmation, or a blocked frame, never answers; give up then and show the hint. */
const SIGN_IN_TIMEOUT_MS = 15_000;

/** The hub service's URL when JupyterLab runs under JupyterHub, else ''. */
export function hubServiceUrl(): string {
  const hubPrefix = PageConfig.getOption('hubPrefix');
  if (!hubPrefix) {
    return '';
  }
  // hubPrefix is `<hub base>hub/`; services live beside it.
  const hubBase = hubPrefix.replace(/hub\/?$/, '');
  return PageConfig.getOption('hubHost') + URLExt.join(hubBase, 'services/prism/');
}

let pending: Promise<boolean> | null = null;

/** Signs this browser in to the service at `baseUrl` once; concurrent callers share the attempt. */
export function signInThroughHub(baseUrl: string): Promise<boolean> {
  pending ??= runSignIn(baseUrl).finally(() => {
    pending = null;
  });
  return pending;
}

function runSignIn(baseUrl: string): Promise<boolean> {
  const service = new URL(baseUrl);
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.src = `${baseUrl}login?${new URLSearchParams({ next: `${service.pathname}signed-in` })}`;
  return new Promise<boolean>(resolve => {
    const done = (signedIn: boolean): void => {
      window.removeEventListener('message', onMessage);
      window.clearTimeout(timer);
      frame.remove();
      resolve(signedIn);
    };
    const onMessage = (event: MessageEvent): void => {
      if (event.origin === service.origin && event.data === SIGNED_IN_MESSAGE) {
        done(true);
      }
    };
    const timer = window.setTimeout(() => done(false), SIGN_IN_TIMEOUT_MS);
    window.addEventListener('message', onMessage);
    document.body.appendChild(frame);
  });
}
