import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Under a real JupyterHub (configured by examples/jupyterhub_config.py, with
 * Prism as its managed service), alice signs in to the hub, opens JupyterLab
 * and the Prism panel: the extension talks to /services/prism/, is refused
 * once, signs in through the hub's OAuth in a hidden frame and shows her
 * templates and a live socket, without her doing anything more.
 */
let hub: ChildProcess;
let hubUrl: string;

test.beforeAll(async () => {
  const port = await freePort();
  hubUrl = `http://127.0.0.1:${port}`;
  hub = spawn(path.join(__dirname, '..', 'start-hub.sh'), [String(port)], { detached: true, stdio: 'ignore' });
  await expect
    .poll(() => fetch(`${hubUrl}/services/prism/api/v1/health`).then(r => r.status, () => 0), { timeout: 120_000, intervals: [500] })
    .toBe(200);
});

test.afterAll(() => {
  // The script's group: the hub, its proxy, Prism, moto and alice's server.
  if (hub?.pid) process.kill(-hub.pid, 'SIGTERM');
});

test('alice signs in to the hub and her Prism panel signs itself in to the hub service', async ({ page }) => {
  test.setTimeout(8 * 60 * 1000);
  const answers: string[] = [];
  page.on('response', r => {
    const at = new URL(r.url()).pathname;
    if (at.startsWith('/services/prism/')) answers.push(`${r.status()} ${at}`);
  });

  await page.goto(`${hubUrl}/hub/login`);
  await page.fill('input[name=username]', 'alice');
  await page.fill('input[name=password]', 'ui-test-password');
  await page.click('[type=submit]');
  // Her server can take minutes to start on a busy machine.
  await page.waitForURL(/\/user\/alice\/lab/, { timeout: 5 * 60 * 1000 });
  await page.goto(`${hubUrl}/user/alice/lab?reset`);
  await page.locator('.jp-LauncherCard', { hasText: 'Prism Workstation' }).first().click();

  const panel = page.locator('.jp-Prism-panel');
  await expect(panel.getByText('Amazon Linux 2023').first()).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByText('live', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByText('Not signed in')).toHaveCount(0);

  // Refused first, signed in through the hub in a frame, then answered.
  expect(answers).toContain('401 /services/prism/api/v1/templates');
  expect(answers).toContain('302 /services/prism/oauth_callback');
  expect(answers).toContain('200 /services/prism/signed-in');
  expect(answers.filter(a => a === '200 /services/prism/api/v1/templates').length).toBeGreaterThan(0);
  expect(await page.locator('iframe').count()).toBe(0);

  const me = await page.evaluate(() => fetch('/services/prism/api/v1/me').then(r => r.json()));
  expect(me).toMatchObject({ user: 'alice', roles: ['user'] });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
