import { expect, test } from '@jupyterlab/galata';

/**
 * start-lab.sh publishes a catalog in moto with terrain-analysis, which
 * builds on gis-base; neither is in the local library.
 */
test('an admin finds a catalog template, allows and installs it with its parent, and rates it', async ({
  page
}) => {
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('prism:open-catalog')
  );
  const catalog = page.locator('.jp-Prism-catalog');
  await expect(catalog).toBeVisible();
  await expect(catalog.locator('.jp-Prism-catalogEntry')).toHaveCount(2, {
    timeout: 90 * 1000
  });

  await catalog.getByLabel('Search templates').fill('raster');
  const entry = catalog.locator('.jp-Prism-catalogEntry[data-template="terrain-analysis"]');
  await expect(catalog.locator('.jp-Prism-catalogEntry')).toHaveCount(1);
  await expect(entry).toContainText('Terrain analysis');
  await expect(entry).toContainText('arm64');

  const install = entry.locator('.jp-Prism-catalogInstall');
  await expect(install).toBeDisabled();
  // The switch follows the service's answer, so it flips once the allow is stored.
  await entry.getByLabel('Allowed here').click();
  await expect(entry.getByLabel('Allowed here')).toBeChecked();
  await expect(install).toBeEnabled();
  await install.click();
  await expect(entry.locator('.jp-Prism-catalogBadge')).toHaveText('Installed 1.0.0');
  await expect(install).toHaveText('Installed');

  // The parent came with it: the catalog lists it installed too.
  await catalog.getByLabel('Search templates').fill('');
  await expect(
    catalog.locator('.jp-Prism-catalogEntry[data-template="gis-base"] .jp-Prism-catalogBadge')
  ).toHaveText('Installed 1.0.0');

  await entry.getByRole('button', { name: 'Reviews and rating' }).click();
  await entry.getByRole('radio', { name: '4 stars' }).click();
  await entry.getByLabel('Your review').fill('GDAL worked at once on Graviton.');
  await entry.getByRole('button', { name: 'Submit review' }).click();
  await expect(entry.locator('.jp-Prism-catalogReviewList')).toContainText(
    'GDAL worked at once on Graviton.'
  );
  await expect(entry.locator('.jp-Prism-catalogCount')).toHaveText('1 rating');
});
