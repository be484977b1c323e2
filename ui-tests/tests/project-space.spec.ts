import { expect, test } from '@jupyterlab/galata';

import { openPrismFromLauncher } from './prism-panel';

/**
 * A project admin makes the project's shared space from the projects view:
 * before, "No shared space yet" and the button; after, where the project's
 * workstations mount it, as the service (EFS on the emulator) made it.
 */
test.use({ viewport: { width: 1400, height: 1400 } });

test('a project admin makes the shared space and sees where it is mounted', async ({ page }) => {
  const stamp = Date.now().toString(36);
  const name = `Space ${stamp}`;
  const id = `space-${stamp}`;

  const panel = await openPrismFromLauncher(page);
  await panel.locator('.jp-Prism-openProjects').click();
  const projects = page.locator('.jp-Prism-projects');
  await projects.getByLabel('Project name', { exact: true }).fill(name);
  await projects.getByRole('button', { name: 'Create project' }).click();
  const project = projects.locator(`.jp-Prism-project[data-project="${id}"]`);
  const space = project.locator('.jp-Prism-projectSpace');
  await expect(space).toHaveAttribute('data-made', 'no');
  await expect(space).toContainText('No shared space yet.');

  await space.getByRole('button', { name: 'Make the shared space' }).click();
  await expect(space).toHaveAttribute('data-made', 'yes', { timeout: 30 * 1000 });
  const made = await (await page.request.get(`/prism/api/v1/projects/${id}/space`)).json();
  await expect(space.locator('.jp-Prism-projectSpaceWhere')).toContainText(
    `Mounted at /project on the project’s workstations (folder /projects/${id}, group ${made.gid}).`
  );
  await expect(space.locator('.jp-Prism-projectSpaceAccess')).toHaveText('You read and write it.');
  await expect(space.getByRole('button', { name: 'Make the shared space' })).toHaveCount(0);
  expect(made.fileSystemId).toMatch(/^fs-/);
});
