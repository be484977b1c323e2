import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

/** Opens Prism the way a researcher does, from a new Launcher's card, and returns its panel. */
export async function openPrismFromLauncher(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.menu.clickMenuItem('File>New Launcher');
  // Only the Launcher just opened is visible; an earlier one may be behind.
  await page
    .locator('.jp-Launcher .jp-LauncherCard', { hasText: 'Prism Workstation' })
    .filter({ visible: true })
    .click();
  return page.locator('.jp-Prism-panel');
}
