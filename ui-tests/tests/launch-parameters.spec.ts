import { expect, test } from '@jupyterlab/galata';

import { openPrismFromLauncher } from './prism-panel';

test('a researcher fills a template parameter at launch and the workstation records it', async ({ page }) => {
  const panel = await openPrismFromLauncher(page);
  const pythonMl = panel.locator('.jp-Prism-templateCard[data-template="python-ml"]');
  await expect(pythonMl).toBeVisible({ timeout: 90 * 1000 });
  await pythonMl.click();

  const version = panel.getByLabel('pythonVersion');
  await expect(version).toHaveValue('3.12');
  await version.selectOption('3.11');
  const name = `params-${Date.now().toString(36)}`;
  await panel.getByLabel('Workstation name').fill(name);
  await panel.locator('.jp-Prism-launchButton').click();

  const row = panel.locator('.jp-Prism-workstation', { hasText: name });
  await expect(row).toBeVisible({ timeout: 30 * 1000 });
  const listed = await page.request.get('/prism/api/v1/instances');
  const workstation = ((await listed.json()) as { id: string; name: string; parameters?: Record<string, unknown> }[]).find(
    w => w.name === name
  );
  expect(workstation?.parameters).toMatchObject({ pythonVersion: '3.11' });
  await page.request.delete(`/prism/api/v1/instances/${workstation?.id}`);
});
