import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';

import { openPrismFromLauncher } from './prism-panel';

/**
 * The lab's own user (a Prism admin) makes a project, adds ui-member and
 * ui-viewer (start-lab.sh's users file) and allows one template, one size
 * and one workstation each. The same browser then acts as each of them, by pointing
 * the extension's settings at the service with their token.
 */
const MEMBER_TOKEN = 'ui-member-token-0123456789';
const VIEWER_TOKEN = 'ui-viewer-token-0123456789';
const PORT_FILE = path.join(process.env.TMPDIR ?? os.tmpdir(), 'prism-ui-8890.port');

test.use({ viewport: { width: 1400, height: 1400 } });

/** The service as someone else sees it: /prism/ would replace their token with the lab's. */
async function actAs(page: IJupyterLabPageFixture, token: string): Promise<string> {
  const serviceUrl = `/proxy/${fs.readFileSync(PORT_FILE, 'utf8').trim()}/`;
  await page.evaluate(
    async ({ serviceUrl, token }) => {
      const registry = await window.galata.getPlugin('@jupyterlab/apputils-extension:settings');
      await registry!.set('jupyterlab-prism:plugin', 'serviceUrl', serviceUrl);
      await registry!.set('jupyterlab-prism:plugin', 'serviceToken', token);
    },
    { serviceUrl, token }
  );
  return serviceUrl;
}

test('a project admin sets members and a policy; a member launches within it; a viewer only reads', async ({ page }, testInfo) => {
  const stamp = Date.now().toString(36);
  const name = `Genomics ${stamp}`;
  const id = `genomics-${stamp}`;
  const admin = ((await (await page.request.get('/prism/api/v1/me')).json()) as { user: string }).user;

  // The admin makes the project and manages it in the projects view.
  const panel = await openPrismFromLauncher(page);
  await panel.locator('.jp-Prism-openProjects').click();
  const projects = page.locator('.jp-Prism-projects');
  await projects.getByLabel('Project name', { exact: true }).fill(name);
  await projects.getByRole('button', { name: 'Create project' }).click();
  await expect(projects.locator(`.jp-Prism-projectRow[data-project="${id}"]`)).toContainText('admin');
  const project = projects.locator(`.jp-Prism-project[data-project="${id}"]`);
  await expect(project.locator(`.jp-Prism-member[data-user="${admin}"]`)).toHaveAttribute('data-role', 'admin');

  for (const [user, role] of [
    ['ui-member', 'member'],
    ['ui-viewer', 'viewer']
  ]) {
    await project.getByLabel('New member', { exact: true }).fill(user);
    await project.getByLabel('New member role').selectOption(role);
    await project.getByRole('button', { name: 'Add member' }).click();
    await expect(project.locator(`.jp-Prism-member[data-user="${user}"]`)).toHaveAttribute('data-role', role);
  }

  // The service's refusal shows beside the members, with its hint.
  await project.getByRole('button', { name: `Remove ${admin}` }).click();
  const refusal = project.locator('.jp-Prism-projectMembers .jp-Prism-problem');
  await expect(refusal).toHaveAttribute('data-code', 'LAST_ADMIN');
  await expect(refusal.locator('.jp-Prism-problemHint')).not.toBeEmpty();
  await expect(project.locator(`.jp-Prism-member[data-user="${admin}"]`)).toHaveAttribute('data-role', 'admin');

  await project.getByRole('button', { name: 'Edit policy' }).click();
  const editor = project.locator('.jp-Prism-policyEditor');
  await editor.getByLabel('Any template').uncheck();
  await editor.getByLabel('Amazon Linux 2023').check();
  await editor.getByLabel('Any size').uncheck();
  await editor.getByLabel('medium', { exact: true }).check();
  await editor.getByLabel('Workstations per member at most').fill('1');
  await editor.getByRole('button', { name: 'Save policy' }).click();
  await expect(editor).toHaveCount(0);
  await expect(project.locator('.jp-Prism-policyTemplates')).toHaveText('amazon-linux');
  await expect(project.locator('.jp-Prism-policySizes')).toHaveText('medium');
  await expect(project.locator('.jp-Prism-policyYours')).toHaveText('0 of 1');
  await expect(project.locator('.jp-Prism-projectBudget')).toHaveText('No budget set.');
  // The lab's user is a Prism admin: below, every project's counts, read-only.
  const overview = projects.locator(`.jp-Prism-allProjects .jp-Prism-allProject[data-project="${id}"]`);
  await expect(overview.locator('.jp-Prism-allProjectAdmins')).toHaveText(admin);
  await expect(overview.locator('.jp-Prism-allProjectMembers')).toHaveText('1 admins, 1 members, 1 viewers');
  await expect(overview.locator('.jp-Prism-allProjectBudget')).toHaveText('No budget');
  await expect(overview.locator('.jp-Prism-allProjectWorkstations')).toHaveText('0 / 0');
  await expect(projects.locator('.jp-Prism-allProjects').getByRole('button')).toHaveCount(0);
  await testInfo.attach('projects-admin', { body: await projects.screenshot(), contentType: 'image/png' });

  // The member picks the project: one template, and what is left for them.
  const serviceUrl = await actAs(page, MEMBER_TOKEN);
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('prism:open');
  });
  await expect(panel.locator('.jp-Prism-templateCard').first()).toBeVisible({ timeout: 60 * 1000 });
  expect(await panel.locator('.jp-Prism-templateCard').count()).toBeGreaterThan(1);
  await panel.getByLabel('Launch in').selectOption({ label: name });
  await expect(panel.locator('.jp-Prism-templateCard')).toHaveCount(1);
  await expect(panel.locator('.jp-Prism-templateCard[data-template="amazon-linux"]')).toBeVisible();
  await expect(panel.locator('.jp-Prism-allocation')).toHaveText(`1 of 1 workstations left for you in ${name}`);
  // Only the size the project allows, though the template's default is small.
  await panel.locator('input[name="jp-Prism-arch"][value="arm64"]').check();
  await expect(panel.locator('.jp-Prism-sizeSelect option')).toHaveCount(1);
  await expect(panel.locator('.jp-Prism-sizeSelect option')).toHaveText(/^medium — m7g\.large/);

  const workstation = `in-project-${stamp}`;
  await panel.getByLabel('Workstation name').fill(workstation);
  const launchButton = panel.locator('.jp-Prism-launchButton');
  await launchButton.click();
  await expect(panel.locator('.jp-Prism-workstation', { hasText: workstation })).toBeVisible({ timeout: 60 * 1000 });
  await expect(panel.locator('.jp-Prism-allocation')).toHaveText(`0 of 1 workstations left for you in ${name}`);
  await expect(launchButton).toBeDisabled();
  await expect(launchButton).toHaveText(`None left for you in ${name}`);
  await expect(panel.locator('.jp-Prism-launchBlocked')).toContainText('terminate one you no longer need');
  // The pick stays for the next launch.
  await expect(panel.getByLabel('Launch in')).toHaveValue(id);
  await testInfo.attach('launch-form-none-left', { body: await panel.locator('.jp-Prism-launchForm').screenshot(), contentType: 'image/png' });

  await panel.locator('.jp-Prism-openProjects').click();
  await projects.locator(`.jp-Prism-projectRow[data-project="${id}"]`).click();
  await expect(projects.locator(`.jp-Prism-projectRow[data-project="${id}"]`)).toContainText('member');
  const row = project.locator('.jp-Prism-projectWorkstation', { hasText: workstation });
  await expect(row).toContainText('ui-member');
  await expect(row).toContainText('amazon-linux');
  await expect(row).toContainText('medium (m7g.large)');
  await expect(project.locator('.jp-Prism-policyYours')).toHaveText('1 of 1');
  await expect(project.getByRole('button', { name: 'Edit policy' })).toHaveCount(0);
  await expect(project.getByRole('button', { name: 'Add member' })).toHaveCount(0);
  // Not a Prism admin: no overview of the projects they are not in.
  await expect(projects.locator('.jp-Prism-allProjects')).toHaveCount(0);

  // The viewer sees the project, its members and workstation, and nothing to press.
  await actAs(page, VIEWER_TOKEN);
  await page.locator('.jp-Prism-projectsRefresh').click();
  await projects.locator(`.jp-Prism-projectRow[data-project="${id}"]`).click();
  await expect(projects.locator(`.jp-Prism-projectRow[data-project="${id}"]`)).toContainText('viewer');
  await expect(project).toHaveAttribute('data-role', 'viewer');
  await expect(project.locator('.jp-Prism-projectWorkstation', { hasText: workstation })).toContainText('ui-member');
  await expect(project.locator('.jp-Prism-member[data-user="ui-member"]')).toContainText('member');
  await expect(project.locator('.jp-Prism-policyTemplates')).toHaveText('amazon-linux');
  await expect(project.getByRole('button')).toHaveCount(0);
  await expect(project.locator('select, input')).toHaveCount(0);

  // Nor may the viewer launch in it: the picker offers Personal only.
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('prism:open');
  });
  await expect(panel.getByLabel('Launch in').locator('option')).toHaveText(['Personal']);

  // Tidy up as the member: terminate the workstation.
  const ws = (await (
    await page.request.get(`${serviceUrl}api/v1/instances?project=${id}`, { headers: { Authorization: `Bearer ${MEMBER_TOKEN}` } })
  ).json()) as { id: string; name: string }[];
  const launched = ws.find(w => w.name === workstation);
  expect(launched).toBeDefined();
  const terminated = await page.request.delete(`${serviceUrl}api/v1/instances/${launched!.id}`, {
    headers: { Authorization: `Bearer ${MEMBER_TOKEN}` }
  });
  expect(terminated.status()).toBe(200);
});
