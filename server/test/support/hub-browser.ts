/**
 * A browser, as far as cookies, redirects and the headers Prism judges go,
 * over plain node:http (Node's fetch cannot send Sec-Fetch-Mode: navigate as
 * an address bar does), and its sign-in to Prism through a real hub's OAuth.
 */
import http from 'node:http';

export interface Page {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP exchange with exactly these headers. */
export function exchange(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, response => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

export class HubBrowser {
  private readonly cookies = new Map<string, string>();
  /** Every Set-Cookie line received, as sent. */
  readonly setCookies: string[] = [];

  /** `origin`: where relative URLs go (the hub's public URL). */
  constructor(private readonly origin: string) {}

  /** The Cookie header this browser sends. */
  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Page> {
    const headers = { ...options.headers };
    if (this.cookies.size > 0) headers.Cookie = this.cookieHeader;
    const page = await exchange(new URL(url, this.origin), options.method ?? 'GET', headers, options.body);
    for (const line of page.headers['set-cookie'] ?? []) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return page;
  }

  /** A script's call (fetch from a page). */
  fetch(url: string): Promise<Page> {
    return this.request(url, { headers: { Accept: 'application/json', 'Sec-Fetch-Mode': 'cors' } });
  }

  /** Opens a page as the address bar does, following redirects; answers the last page and the URLs passed. */
  async navigate(url: string): Promise<{ page: Page; path: string[] }> {
    const navigation = { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' };
    let at = new URL(url, this.origin).href;
    const path = [at];
    let page = await this.request(at, { headers: navigation });
    while (page.status >= 300 && page.status < 400) {
      at = new URL(page.headers.location as string, at).href;
      path.push(at);
      page = await this.request(at, { headers: navigation });
    }
    return { page, path };
  }

  /** Signs in to the Prism at `prefix` through the hub's login form and OAuth; throws unless it ends signed in. */
  async signIn(prefix: string, user: string, password: string): Promise<void> {
    const first = await this.navigate(`${prefix}api/v1/me`);
    const xsrf = /name="_xsrf" value="([^"]+)"/.exec(first.page.body)?.[1];
    if (!xsrf) throw new Error(`no hub login form at the end of ${first.path.join(' → ')}`);
    const loginUrl = first.path[first.path.length - 1];
    const posted = await this.request(loginUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' },
      body: new URLSearchParams({ username: user, password, _xsrf: xsrf }).toString()
    });
    const back = await this.navigate(new URL(posted.headers.location as string, loginUrl).href);
    if (back.page.status !== 200) throw new Error(`signing ${user} in ended in ${back.page.status}: ${back.page.body}`);
  }
}
