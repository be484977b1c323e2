import { expect, test } from '@jupyterlab/galata';

import { openPrismFromLauncher } from './prism-panel';

/** The emulated boot installs nothing but does start a real Jupyter. */
const READY_TIMEOUT = 3 * 60 * 1000;
const STATE_TIMEOUT = 60 * 1000;

test.use({ viewport: { width: 1280, height: 1200 } });

test('a researcher hibernates and resumes a workstation from the panel, then sees what it costs', async ({
  page
}, testInfo) => {
  const panel = await openPrismFromLauncher(page);
  await expect(panel).toBeVisible();

  // Amazon Linux on Graviton: t4g can hibernate.
  const template = panel.locator('.jp-Prism-templateCard[data-template="amazon-linux"]');
  await template.click({ timeout: 90 * 1000 });
  await expect(template).toHaveAttribute('aria-checked', 'true');
  await panel.locator('input[name="jp-Prism-arch"][value="arm64"]').check();
  await panel.getByLabel('Size', { exact: true }).selectOption('small');
  const prices = panel.locator('.jp-Prism-archPrices');
  await expect(prices.locator('[data-arch="arm64"]')).toContainText('t4g.medium: $0.');
  await expect(prices.locator('[data-arch="x86_64"]')).toContainText('t3.medium: $0.');
  await expect(prices.locator('.jp-Prism-archSaving')).toHaveText(
    /^Graviton saves \d+ % — \$0\.\d{4}\/h$/
  );

  const name = `ui-life-${Date.now().toString(36)}`;
  await panel.getByLabel('Workstation name').fill(name);
  await panel.locator('.jp-Prism-launchButton').click();
  const launch = panel.locator('.jp-Prism-launch');
  await expect(launch.locator('.jp-Prism-launchName')).toHaveText(name);
  await expect(launch).toHaveAttribute('data-phase', 'ready', { timeout: READY_TIMEOUT });
  await expect(launch.locator('.jp-Prism-copySshConfig')).toBeEnabled();
  await expect(launch.locator('.jp-Prism-openVSCode')).toBeEnabled();

  const row = panel.locator('.jp-Prism-workstation', { hasText: name });
  await expect(row).toHaveAttribute('data-state', 'running');
  await expect(row.getByRole('button', { name: `Resize ${name}` })).toBeEnabled();

  await row.getByRole('button', { name: `Hibernate ${name}` }).click();
  await expect(row).toHaveAttribute('data-state', 'hibernated', { timeout: STATE_TIMEOUT });
  await expect(row.locator('.jp-Prism-state')).toHaveText('hibernated');
  await expect(row.getByRole('button', { name: `Hibernate ${name}` })).toHaveCount(0);

  await row.getByRole('button', { name: `Resume ${name}` }).click();
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: STATE_TIMEOUT });
  await expect(row.locator('.jp-Prism-state')).toHaveText('running');

  // Resize offers the template's other arm64 sizes with their price.
  await row.getByRole('button', { name: `Resize ${name}` }).click();
  const dialog = page.locator('.jp-Dialog');
  const sizes = dialog.getByLabel('New size');
  await expect(sizes.locator('option[value="small"]')).toBeDisabled();
  await expect(sizes.locator('option[value="medium"]')).toHaveText(
    /^medium — m7g\.large, 2 vCPU, 8 GiB, \$0\.\d{4}\/h$/
  );
  await sizes.selectOption('medium');
  await dialog.getByRole('button', { name: 'Resize' }).click();
  await expect(row).toContainText('m7g.large', { timeout: STATE_TIMEOUT });
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: STATE_TIMEOUT });

  await panel.locator('.jp-Prism-openCosts').click();
  const costs = page.locator('.jp-Prism-costsPanel');
  await expect(costs).toBeVisible();
  const costRow = costs.locator('.jp-Prism-costRow', { hasText: name });
  await expect(costRow).toBeVisible({ timeout: STATE_TIMEOUT });
  await expect(costRow).toContainText('m7g.large');
  await expect(costRow.locator('.jp-Prism-costPrice')).toHaveText(/^\$0\.\d{4}\/h$/);
  await expect(costRow.locator('.jp-Prism-state')).toHaveText('running');
  await expect(costs.locator('.jp-Prism-costTotal')).toContainText('Total');
  await expect(costs.locator('.jp-Prism-costTotal .jp-Prism-costProjected')).toHaveText(
    /^\$\d+\.\d{2,4}$/
  );
  await expect(costs.locator('.jp-Prism-costsPeriod')).toContainText('On-demand prices as of');

  const screenshot = testInfo.outputPath('prism-costs.png');
  await costs.screenshot({ path: screenshot });
  await testInfo.attach('prism-costs', { path: screenshot, contentType: 'image/png' });

  // Terminating from the panel shows in the costs view at once.
  await page.locator('.lm-TabBar-tab', { hasText: /^Prism$/ }).click();
  await row.getByRole('button', { name: `Terminate ${name}` }).click();
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(row).toHaveAttribute('data-state', 'terminated', { timeout: STATE_TIMEOUT });
  await page.locator('.lm-TabBar-tab', { hasText: 'Prism Costs' }).click();
  await expect(costRow.locator('.jp-Prism-state')).toHaveText('terminated');
});

/** Warns 6 s into an idle run and would hibernate 2 min in: time to keep it running. */
const QUICK_IDLE_TEMPLATE = `name: quick-idle
title: Quick idle
description: Amazon Linux whose idle rule warns within seconds (UI test).
version: 1.0.0
inherits: amazon-linux
idle:
  afterMinutes: 2
  warnMinutes: 1.9
  action: hibernate
  cpuPercentBelow: 100
`;

test('an idle workstation warns with a notification, and Keep running 1 h puts it off', async ({
  page
}) => {
  const saved = await page.request.post('/prism/api/v1/templates', {
    data: { yaml: QUICK_IDLE_TEMPLATE }
  });
  expect(saved.status()).toBe(201);

  await page.evaluate(() => window.jupyterapp.commands.execute('prism:open'));
  const panel = page.locator('.jp-Prism-panel');
  await panel.locator('.jp-Prism-refresh').click();
  const template = panel.locator('.jp-Prism-templateCard[data-template="quick-idle"]');
  await template.click({ timeout: 90 * 1000 });
  await panel.locator('input[name="jp-Prism-arch"][value="arm64"]').check();
  const name = `ui-idle-${Date.now().toString(36)}`;
  await panel.getByLabel('Workstation name').fill(name);
  await panel.locator('.jp-Prism-launchButton').click();
  const row = panel.locator('.jp-Prism-workstation', { hasText: name });
  await expect(row).toHaveAttribute('data-state', 'running', { timeout: READY_TIMEOUT });

  const toast = page.locator('.Toastify__toast', {
    hasText: `${name} will be hibernated at`
  });
  // The warning follows the idle agent's first report.
  await expect(toast).toBeVisible({ timeout: 2 * 60 * 1000 });
  await expect(toast).toContainText('no busy kernel');
  await expect(row.locator('.jp-Prism-idlePending')).toContainText('idle: hibernates at');

  await toast.getByRole('button', { name: 'Keep running 1 h' }).click();
  const kept = page.locator('.Toastify__toast', {
    hasText: `${name} keeps running for at least another hour.`
  });
  await expect(kept).toBeVisible();
  await expect(row.locator('.jp-Prism-idlePending')).toHaveCount(0);
  await expect(row).toHaveAttribute('data-state', 'running');
  // The warning went with its action; the confirmation is put away.
  await kept.getByRole('button', { name: 'Hide notification' }).click();
  await expect(page.locator('.Toastify__toast')).toHaveCount(0);

  await row.getByRole('button', { name: `Terminate ${name}` }).click();
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(row).toHaveAttribute('data-state', 'terminated', { timeout: STATE_TIMEOUT });
});
