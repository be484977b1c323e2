import { expect, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/** moto answers GetCallerIdentity with this account, whatever the keys. */
const MOTO_ACCOUNT = '123456789012';

test.use({ viewport: { width: 1280, height: 1000 } });

async function runFromPalette(page: IJupyterLabPageFixture, label: string): Promise<void> {
  await page.keyboard.press('Control+Shift+C');
  const palette = page.locator('#command-palette');
  await palette.locator('.lm-CommandPalette-input').fill(label);
  await palette.locator('.lm-CommandPalette-item', { hasText: label }).first().click();
}

test('a researcher sets up AWS in a few clicks: creates a profile, sees the account, picks a region, and the panel works there', async ({
  page
}) => {
  await runFromPalette(page, 'Set Up AWS for Prism');
  const wizard = page.locator('.jp-Prism-setup');
  await expect(wizard).toHaveAttribute('data-step', 'profile');

  // This lab's AWS files are empty: the wizard goes straight to a new profile.
  await expect(wizard.getByText('No profiles yet: create one below.')).toBeVisible();
  await wizard.getByLabel('Profile name').fill('research');
  await wizard.getByLabel('Access key id').fill('AKIAPRISMUITEST00001');
  await wizard.getByLabel('Secret access key').fill('prismUiTestSecretKey0000000000000000000');
  await wizard.locator('.jp-Prism-setupNew select[name="region"]').selectOption('eu-west-1');
  await wizard.getByRole('button', { name: 'Create and check' }).click();

  await expect(wizard).toHaveAttribute('data-step', 'validate');
  await expect(wizard.locator('.jp-Prism-setupAccountId')).toHaveText(MOTO_ACCOUNT);
  await expect(wizard.locator('.jp-Prism-setupArn')).toContainText(`arn:aws:`);
  await wizard.getByRole('button', { name: 'Next' }).click();

  await expect(wizard).toHaveAttribute('data-step', 'region');
  const region = wizard.getByLabel('Region');
  // The profile's own region comes preselected.
  await expect(region).toHaveValue('eu-west-1');
  await region.selectOption('us-west-2');
  await wizard.getByRole('button', { name: 'Finish' }).click();

  // Finish closes the wizard and brings the panel forward, reloaded, in the new region.
  await expect(wizard).toHaveCount(0);
  const panel = page.locator('.jp-Prism-panel');
  await expect(panel.locator('.jp-Prism-awsAccount')).toHaveText(`AWS ${MOTO_ACCOUNT} · us-west-2`);
  await expect(panel.locator('.jp-Prism-templateCard[data-template="amazon-linux"]')).toBeVisible();

  // The header reopens the wizard, the new profile listed (its secret nowhere on the page); back to the lab's region.
  await panel.locator('.jp-Prism-awsAccount').click();
  await expect(wizard.locator('.jp-Prism-setupProfile[data-profile="research"]')).toContainText('eu-west-1 · access key');
  await expect(page.getByText('prismUiTestSecretKey')).toHaveCount(0);
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.locator('.jp-Prism-setupAccountId')).toHaveText(MOTO_ACCOUNT);
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('Region').selectOption('us-east-1');
  await wizard.getByRole('button', { name: 'Finish' }).click();
  await expect(panel.locator('.jp-Prism-awsAccount')).toHaveText(`AWS ${MOTO_ACCOUNT} · us-east-1`);
});
