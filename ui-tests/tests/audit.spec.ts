import { expect, test } from '@jupyterlab/galata';

/**
 * Standalone Prism makes its user an admin, so the Audit Log is offered.
 * A project made and a refused stop are both in it, filtered and exported.
 */
test('an admin finds a project change and a refused stop in the audit log, filters it and exports CSV', async ({
  page
}) => {
  const project = `audit-${Date.now().toString(36)}`;
  const made = await page.request.post('/prism/api/v1/projects', { data: { name: project } });
  expect(made.status()).toBe(201);
  const refused = await page.request.post('/prism/api/v1/instances/ws-not-there/stop');
  expect(refused.status()).toBe(404);

  await expect
    .poll(() => page.evaluate(() => window.jupyterapp.commands.isVisible('prism:open-audit')), {
      timeout: 30 * 1000
    })
    .toBe(true);
  await page.keyboard.press('Control+Shift+C');
  await page.locator('#modal-command-palette input').fill('Audit Log');
  await page.locator('#modal-command-palette .lm-CommandPalette-item', { hasText: 'Audit Log' }).click();

  const audit = page.locator('.jp-Prism-audit');
  await expect(audit).toBeVisible();
  const rows = audit.locator('.jp-Prism-auditTable tbody tr');
  await expect(rows.filter({ hasText: project })).toContainText('POST /projects');

  await audit.getByLabel('Object').fill(project);
  await audit.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('201');

  await audit.getByLabel('Object').fill('');
  await audit.getByLabel('Result').fill('404');
  await audit.getByRole('button', { name: 'Apply' }).click();
  const stop = rows.filter({ hasText: 'ws-not-there' });
  await expect(stop).toContainText('POST /instances/:id/stop');
  await expect(stop).toContainText('404 WORKSTATION_NOT_FOUND');
  await expect(rows.filter({ hasText: project })).toHaveCount(0);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    audit.getByRole('button', { name: 'Export CSV' }).click()
  ]);
  expect(download.suggestedFilename()).toBe('prism-audit.csv');
  const csv = await (await download.createReadStream()).toArray();
  const lines = Buffer.concat(csv).toString('utf8').trim().split('\r\n');
  expect(lines[0]).toBe('seq,at,user,action,object,status,code,address');
  expect(lines.slice(1).every(line => line.includes(',404,'))).toBe(true);
  expect(lines.some(line => line.includes('POST /instances/:id/stop,ws-not-there,404,WORKSTATION_NOT_FOUND'))).toBe(true);
});
