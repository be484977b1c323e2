import { expect, test } from '@jupyterlab/galata';

/** The emulated boot installs nothing but does start a real Jupyter. */
const READY_TIMEOUT = 3 * 60 * 1000;

test.use({ viewport: { width: 1400, height: 1200 } });

test('an admin builds a template on amazon-linux, sees a bad name explained, fixes it, saves it and launches it on arm64', async ({
  page
}, testInfo) => {
  await page.menu.clickMenuItem('File>New Launcher');
  await page
    .locator('.jp-Launcher .jp-LauncherCard', { hasText: 'New Prism Template' })
    .filter({ visible: true })
    .click();

  const builder = page.locator('.jp-Prism-builder').filter({ visible: true });
  await expect(builder).toBeVisible();
  const parent = builder.getByLabel('Parent template');
  await expect(parent.locator('option[value="amazon-linux"]')).toHaveCount(1, {
    timeout: 90 * 1000
  });
  await parent.selectOption('amazon-linux');

  const name = `lab-${Date.now().toString(36)}`;
  const nameInput = builder.getByLabel('Name', { exact: true });
  await nameInput.fill(name);

  // A package from the curated list, found by searching.
  const pip = builder.locator('.jp-Prism-packagePicker[data-field="packages.pip"]');
  await pip.getByLabel('Search pip packages').fill('duck');
  await pip.locator('.jp-Prism-packageMatch', { hasText: 'duckdb' }).click();
  await expect(pip.locator('.jp-Prism-packageChip[data-package="duckdb"]')).toBeVisible();

  const preview = builder.locator('.jp-Prism-yamlPreview');
  const status = builder.locator('.jp-Prism-validation');
  const save = builder.locator('.jp-Prism-builderSave');
  await expect(preview).toContainText('inherits: amazon-linux');
  await expect(preview).toContainText('- duckdb');
  await expect(status).toHaveAttribute('data-state', 'valid');

  // An upper-case letter: the service's diagnostic and hint, beside the
  // field and in the preview's gutter; nothing can be saved.
  await nameInput.fill(`Bad-${name}`);
  const nameField = builder.locator('.jp-Prism-builderField[data-field="name"]');
  const problem = nameField.locator('.jp-Prism-fieldProblem');
  await expect(problem).toHaveCount(1);
  await expect(problem.locator('.jp-Prism-fieldProblemHint')).toContainText(
    'lower-case letters'
  );
  await expect(status).toHaveAttribute('data-state', 'invalid');
  const nameLine = preview.locator('.jp-Prism-yamlLine', { hasText: `name: Bad-${name}` });
  await expect(nameLine.locator('.jp-Prism-yamlMarker')).toBeVisible();
  await expect(nameLine.locator('.jp-Prism-yamlProblem')).toContainText('lower-case letters');
  await expect(save).toBeDisabled();

  await nameInput.fill(name);
  await expect(status).toHaveAttribute('data-state', 'valid');
  await expect(builder.locator('.jp-Prism-fieldProblem')).toHaveCount(0);
  await expect(preview.locator('.jp-Prism-yamlMarker')).toHaveCount(0);
  await expect(preview).toContainText(`name: ${name}`);

  const screenshot = testInfo.outputPath('prism-template-builder.png');
  await builder.screenshot({ path: screenshot });
  await testInfo.attach('prism-template-builder', {
    path: screenshot,
    contentType: 'image/png'
  });

  await expect(save).toBeEnabled();
  await save.click();
  const saved = builder.locator('.jp-Prism-builderSaved');
  await expect(saved).toContainText(`Saved ${name} 1.0.0`);
  await saved.getByRole('button', { name: 'Open Prism panel' }).click();

  const panel = page.locator('.jp-Prism-panel');
  await expect(panel).toBeVisible();
  const card = panel.locator(`.jp-Prism-templateCard[data-template="${name}"]`);
  await expect(card).toBeVisible();
  await card.click();
  await expect(card).toHaveAttribute('aria-checked', 'true');
  await panel.locator('input[name="jp-Prism-arch"][value="arm64"]').check();
  const workstation = `${name}-ws`;
  await panel.getByLabel('Workstation name').fill(workstation);
  await panel.locator('.jp-Prism-launchButton').click();

  const launch = panel.locator('.jp-Prism-launch');
  await expect(launch.locator('.jp-Prism-launchName')).toHaveText(workstation);
  await expect(launch).toHaveAttribute('data-phase', 'ready', {
    timeout: READY_TIMEOUT
  });
  const row = panel.locator('.jp-Prism-workstation', { hasText: workstation });
  await expect(row).toContainText(name);
  await expect(row).toContainText('arm64');

  await row.getByRole('button', { name: `Terminate ${workstation}` }).click();
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(row).toHaveAttribute('data-state', 'terminated', {
    timeout: 60 * 1000
  });
});

test('a project member saves a template for the project, and its card carries the project', async ({
  page
}) => {
  const project = `builder-${Date.now().toString(36)}`;
  // Made before the builder opens: it asks for the user's projects when it does.
  const created = await page.request.post('/prism/api/v1/projects', {
    data: { name: project }
  });
  expect(created.status()).toBe(201);

  await page.menu.clickMenuItem('File>New Launcher');
  await page
    .locator('.jp-Launcher .jp-LauncherCard', { hasText: 'New Prism Template' })
    .filter({ visible: true })
    .click();
  const builder = page.locator('.jp-Prism-builder').filter({ visible: true });
  const parent = builder.getByLabel('Parent template');
  await expect(parent.locator('option[value="amazon-linux"]')).toHaveCount(1, {
    timeout: 90 * 1000
  });
  await parent.selectOption('amazon-linux');
  const name = `${project}-lab`;
  await builder.getByLabel('Name', { exact: true }).fill(name);

  const scope = builder.getByLabel('Save for');
  await expect(scope.locator(`option[value="${project}"]`)).toHaveText(
    `Project: ${project}`
  );
  await scope.selectOption(project);
  await expect(builder.locator('.jp-Prism-validation')).toHaveAttribute(
    'data-state',
    'valid'
  );
  await builder.locator('.jp-Prism-builderSave').click();
  const saved = builder.locator('.jp-Prism-builderSaved');
  await expect(saved).toContainText(`Saved ${name} 1.0.0 in project ${project}`);
  await saved.getByRole('button', { name: 'Open Prism panel' }).click();

  const card = page.locator(
    `.jp-Prism-panel .jp-Prism-templateCard[data-template="${name}"]`
  );
  await expect(card.locator('.jp-Prism-templateProject')).toHaveText(
    `Project: ${project}`
  );
});
