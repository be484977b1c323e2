import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, test } from '@jupyterlab/galata';

/**
 * The SSH keys view, from the command palette: a pasted private key is
 * refused with what to do instead and nothing is kept; the public key is
 * listed with the fingerprint ssh-keygen prints, its comment and the day it
 * was added; deleting it takes it out of the list and out of the service.
 */
test('a researcher adds a public key by pasting it, sees its fingerprint, and deletes it', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-ui-keys-'));
  const comment = `ui-${Date.now().toString(36)}@laptop`;
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path.join(dir, 'key')]);
  const publicKey = fs.readFileSync(path.join(dir, 'key.pub'), 'utf8').trim();
  const privateKey = fs.readFileSync(path.join(dir, 'key'), 'utf8');
  const fingerprint = execFileSync('ssh-keygen', ['-lf', path.join(dir, 'key.pub')], { encoding: 'utf8' }).split(' ')[1];
  fs.rmSync(dir, { recursive: true, force: true });

  await page.keyboard.press('Control+Shift+C');
  await page.locator('#modal-command-palette input').fill('SSH Keys');
  await page.locator('#modal-command-palette .lm-CommandPalette-item', { hasText: 'Open Prism SSH Keys' }).click();
  const view = page.locator('.jp-Prism-sshKeys');
  await expect(view).toBeVisible();
  const row = view.locator(`.jp-Prism-sshKey[data-fingerprint="${fingerprint}"]`);

  const text = view.getByLabel('Public key');
  await text.fill(privateKey);
  await view.getByRole('button', { name: 'Add key' }).click();
  const problem = view.locator('.jp-Prism-problem');
  await expect(problem).toHaveAttribute('data-code', 'SSH_KEY_INVALID');
  await expect(problem).toContainText('.pub');
  await expect(row).toHaveCount(0);

  await text.fill(publicKey);
  await view.getByRole('button', { name: 'Add key' }).click();
  await expect(row).toBeVisible();
  await expect(row.locator('.jp-Prism-sshKeyComment')).toHaveText(comment);
  await expect(row).toContainText('ssh-ed25519 (256)');
  await expect(problem).toHaveCount(0);
  await expect(text).toHaveValue('');
  const listed = await (await page.request.get('/prism/api/v1/me/ssh-keys')).json();
  expect(listed.map((k: { fingerprint: string }) => k.fingerprint)).toContain(fingerprint);

  await row.getByRole('button', { name: `Delete the key ${fingerprint}` }).click();
  await expect(row).toHaveCount(0);
  const left = await (await page.request.get('/prism/api/v1/me/ssh-keys')).json();
  expect(left.map((k: { fingerprint: string }) => k.fingerprint)).not.toContain(fingerprint);
});
