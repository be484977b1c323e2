import { expect, test } from '@jupyterlab/galata';

import { openPrismFromLauncher } from './prism-panel';

/** The emulated boot installs nothing but does start a real Jupyter and the agent. */
const READY_TIMEOUT = 3 * 60 * 1000;
/** start-lab.sh has the agent report every 5 s. */
const POINTS_TIMEOUT = 60 * 1000;

test.use({ viewport: { width: 1280, height: 1200 } });

test('a researcher opens the monitoring dashboard and watches a new workstation’s graphs fill in live', async ({
  page
}, testInfo) => {
  const panel = await openPrismFromLauncher(page);
  const template = panel.locator('.jp-Prism-templateCard[data-template="amazon-linux"]');
  await template.click({ timeout: 90 * 1000 });
  await panel.locator('input[name="jp-Prism-arch"][value="arm64"]').check();
  const name = `monitored-${Date.now().toString(36)}`;
  await panel.getByLabel('Workstation name').fill(name);
  await panel.locator('.jp-Prism-launchButton').click();
  await expect(panel.locator('.jp-Prism-launch')).toHaveAttribute('data-phase', 'ready', {
    timeout: READY_TIMEOUT
  });

  await panel.locator('.jp-Prism-openMonitoring').click();
  const dashboard = page.locator('.jp-Prism-monitoringPanel');
  await expect(dashboard).toBeVisible();
  const graphs = dashboard.locator('.jp-Prism-monitored', { has: page.getByRole('heading', { name }) });
  await expect(graphs).toBeVisible();
  for (const title of ['CPU', 'Memory', 'Disk /', 'Network', 'Spend since launch']) {
    await expect(graphs.getByRole('figure', { name: title }).locator('canvas')).toBeVisible({ timeout: POINTS_TIMEOUT });
  }

  // Live: the graphs gain points over socket.io while the dashboard is open.
  const cpu = graphs.getByRole('figure', { name: 'CPU' });
  await expect.poll(async () => Number(await cpu.getAttribute('data-points')), { timeout: POINTS_TIMEOUT }).toBeGreaterThan(1);
  const before = Number(await cpu.getAttribute('data-points'));
  await expect.poll(async () => Number(await cpu.getAttribute('data-points')), { timeout: POINTS_TIMEOUT }).toBeGreaterThan(before);
  await expect(graphs.getByRole('figure', { name: 'Memory' }).locator('.jp-Prism-chartValue')).toHaveText(/used \d+ %/);
  await expect(graphs.getByRole('figure', { name: 'Network' }).locator('.jp-Prism-chartValue[data-line="in"]')).toHaveText(/in \d+(\.\d)? [KMG]?B\/s/);
  await expect(graphs.getByRole('figure', { name: 'Spend since launch' }).locator('.jp-Prism-chartValue')).toHaveText(/spend \$\d/);
  await expect(graphs.locator('.jp-Prism-monitoredCost')).toHaveText(/\$\d+\.\d+\/h/);

  const screenshot = testInfo.outputPath('prism-monitoring.png');
  await dashboard.screenshot({ path: screenshot });
  await testInfo.attach('prism-monitoring', { path: screenshot, contentType: 'image/png' });

  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('prism:open');
  });
  const row = panel.locator('.jp-Prism-workstation', { hasText: name });
  await row.getByRole('button', { name: `Terminate ${name}` }).click();
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(row).toHaveAttribute('data-state', 'terminated', { timeout: 60 * 1000 });
  // A terminated workstation has nothing left to monitor.
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('prism:open-monitoring');
  });
  await expect(graphs).toHaveCount(0);
});
