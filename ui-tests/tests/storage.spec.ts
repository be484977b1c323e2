import { expect, test } from '@jupyterlab/galata';

import { openPrismFromLauncher } from './prism-panel';

const STATE_TIMEOUT = 2 * 60 * 1000;

test.use({ viewport: { width: 1280, height: 1200 } });

test('a researcher snapshots a workstation, schedules more, and deletes what is unused after confirming exactly what goes', async ({
  page
}) => {
  const suffix = Date.now().toString(36);
  const api = (route: string): string => `/prism/api/v1${route}`;
  const volume = await page.request.post(api('/volumes'), { data: { name: `ui-scratch-${suffix}` } });
  expect(volume.status()).toBe(201);
  const { id: volumeId } = (await volume.json()) as { id: string };
  const launched = await page.request.post(api('/instances'), {
    data: { name: `ui-snap-${suffix}`, template: 'amazon-linux', arch: 'arm64' }
  });
  expect(launched.status()).toBe(202);
  const { id: workstationId } = (await launched.json()) as { id: string };
  await expect
    .poll(async () => ((await (await page.request.get(api(`/instances/${workstationId}`))).json()) as { state: string }).state, {
      timeout: STATE_TIMEOUT
    })
    .toBe('running');

  const panel = await openPrismFromLauncher(page);
  await panel.locator('.jp-Prism-openStorage').click();
  const storage = page.locator('.jp-Prism-storagePanel');
  await expect(storage).toBeVisible();

  const unused = storage.locator('.jp-Prism-storageUnused');
  const unusedVolume = unused.locator(`li[data-id="${volumeId}"]`);
  await expect(unusedVolume).toContainText(`ui-scratch-${suffix}`);
  await expect(unusedVolume).toContainText('$0.00/month');
  await expect(unusedVolume).toContainText('No workstation that is not terminated mounts it.');

  const control = storage.locator(`.jp-Prism-snapshotControl[data-workstation="${workstationId}"]`);
  await control.getByRole('button', { name: 'Snapshot now' }).click();
  const snapshotRow = storage.locator('.jp-Prism-storageSnapshots tbody tr', { hasText: `ui-snap-${suffix}` });
  await expect(snapshotRow).toHaveCount(1);
  await expect(snapshotRow).toContainText('by hand');
  await expect(snapshotRow).toContainText('30 GiB');
  await expect(snapshotRow).toContainText('$1.50/month');

  await control.getByLabel('Hours between snapshots').fill('6');
  await control.getByLabel('Snapshots to keep').fill('2');
  await control.getByRole('button', { name: 'Schedule' }).click();
  await expect(control.locator('.jp-Prism-scheduleNext')).toContainText('Every 6 h, keeping 2; next');

  // Once its workstation is terminated, the snapshot is unused too.
  expect((await page.request.delete(api(`/instances/${workstationId}`))).status()).toBe(200);
  await page.locator('.lm-TabBar-tab', { hasText: /^Prism$/ }).click();
  await panel.locator('.jp-Prism-refresh').click();
  await page.locator('.lm-TabBar-tab', { hasText: 'Prism Storage' }).click();
  const orphan = unused.locator('li[data-kind="snapshot"]', { hasText: `ui-snap-${suffix}` });
  await expect(orphan).toContainText('$1.50/month', { timeout: STATE_TIMEOUT });
  await expect(orphan).toContainText('is gone');

  await unusedVolume.getByRole('checkbox').check();
  await orphan.getByRole('checkbox').check();
  await storage.getByRole('button', { name: 'Delete selected…' }).click();
  const dialog = page.locator('.jp-Dialog');
  const listed = dialog.locator('.jp-Prism-cleanupList li');
  await expect(listed).toHaveCount(2);
  await expect(dialog.locator(`.jp-Prism-cleanupList li[data-id="${volumeId}"]`)).toContainText(`ui-scratch-${suffix}`);
  await expect(dialog.locator('.jp-Prism-cleanupList li[data-kind="snapshot"]')).toContainText(`ui-snap-${suffix}`);
  await expect(dialog).toContainText('It saves $1.50/month.');
  await dialog.getByRole('button', { name: 'Delete' }).click();

  const outcomes = storage.locator('.jp-Prism-cleanupOutcomes li[data-result="deleted"]');
  await expect(outcomes).toHaveCount(2);
  await expect(unusedVolume).toHaveCount(0);
  await expect(orphan).toHaveCount(0);
  expect((await page.request.get(api(`/volumes/${volumeId}`))).status()).toBe(404);
});
