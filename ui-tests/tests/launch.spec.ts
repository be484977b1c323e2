import { expect, test } from '@jupyterlab/galata';

import { openPrismFromLauncher } from './prism-panel';

/** The emulated boot installs nothing but does start a real Jupyter. */
const READY_TIMEOUT = 3 * 60 * 1000;

// Tall enough for the screenshot to hold the launch, its log and the list.
test.use({ viewport: { width: 1280, height: 1400 } });

test('a researcher launches a workstation from the Launcher, sees it ready, and terminates it', async ({
  page
}, testInfo) => {
  const panel = await openPrismFromLauncher(page);
  await expect(panel).toBeVisible();

  const cards = panel.locator('.jp-Prism-templateCard');
  await expect(cards.first()).toBeVisible({ timeout: 90 * 1000 });
  const amazonLinux = panel.locator(
    '.jp-Prism-templateCard[data-template="amazon-linux"]'
  );
  const template = (await amazonLinux.count()) ? amazonLinux : cards.first();
  await template.click();
  await expect(template).toHaveAttribute('aria-checked', 'true');
  await expect(template.locator('.jp-Prism-price[data-arch="arm64"]')).toBeVisible();
  await expect(template.locator('.jp-Prism-price[data-arch="x86_64"]')).toBeVisible();

  await panel.locator('input[name="jp-Prism-arch"][value="arm64"]').check();
  const name = `ui-test-${Date.now().toString(36)}`;
  await panel.getByLabel('Workstation name').fill(name);
  await panel.locator('.jp-Prism-launchButton').click();

  const launch = panel.locator('.jp-Prism-launch');
  await expect(launch.locator('.jp-Prism-launchName')).toHaveText(name);
  await expect(launch.locator('[role="progressbar"]')).toBeVisible();
  await expect(launch).toHaveAttribute('data-phase', 'ready', {
    timeout: READY_TIMEOUT
  });
  await expect(launch.locator('.jp-Prism-percent')).toHaveText('100%');
  await expect(launch.locator('.jp-Prism-openJupyter')).toBeEnabled();
  await expect(launch.locator('.jp-Prism-copySsh')).toBeEnabled();
  await expect(launch.locator('.jp-Prism-log')).not.toHaveText(
    'Waiting for the boot log…'
  );

  // A reload brings the panel back (layout restorer) with the same launch,
  // rebuilt from its history. Galata's own wait expects a Launcher in front.
  await page.reload({ waitForIsReady: false });
  await expect(panel).toBeVisible({ timeout: 60 * 1000 });
  await expect(launch).toHaveAttribute('data-phase', 'ready');
  await expect(launch.locator('.jp-Prism-launchName')).toHaveText(name);
  await expect(launch.locator('.jp-Prism-log')).not.toBeEmpty();
  await expect(launch.locator('.jp-Prism-log')).not.toHaveText(
    'Waiting for the boot log…'
  );

  const screenshot = testInfo.outputPath('prism-panel-ready.png');
  await panel.screenshot({ path: screenshot });
  await testInfo.attach('prism-panel-ready', {
    path: screenshot,
    contentType: 'image/png'
  });

  const row = panel.locator('.jp-Prism-workstation', { hasText: name });
  await expect(row).toHaveAttribute('data-state', 'running');
  await row.getByRole('button', { name: `Terminate ${name}` }).click();
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(row).toHaveAttribute('data-state', 'terminated', {
    timeout: 60 * 1000
  });
});
