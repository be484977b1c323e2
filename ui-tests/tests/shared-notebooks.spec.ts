import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';

/**
 * Two people of one Prism service in one browser: the lab's own user (A)
 * shares a notebook from the file browser's context menu to a project;
 * ui-member (B, from start-lab.sh's users file) then points the extension at
 * the service with their own token, finds A's notebook in the Shared
 * notebooks sidebar with its author and version, opens a copy whose bytes
 * are the original's, and is notified when A publishes version 2.
 */
const MEMBER = 'ui-member';
const MEMBER_TOKEN = 'ui-member-token-0123456789';
const PORT_FILE = path.join(process.env.TMPDIR ?? os.tmpdir(), 'prism-ui-8890.port');

test.use({ viewport: { width: 1400, height: 1000 } });

/** Point the extension at the service as someone else, or (empty) back at the lab's own /prism/. */
async function actAs(page: IJupyterLabPageFixture, token: string): Promise<void> {
  const serviceUrl = token ? `/proxy/${fs.readFileSync(PORT_FILE, 'utf8').trim()}/` : '';
  await page.evaluate(
    async ({ serviceUrl, token }) => {
      const registry = await window.galata.getPlugin('@jupyterlab/apputils-extension:settings');
      await registry!.set('jupyterlab-prism:plugin', 'serviceUrl', serviceUrl);
      await registry!.set('jupyterlab-prism:plugin', 'serviceToken', token);
    },
    { serviceUrl, token }
  );
}

/**
 * A notebook as an editor may leave it: CRLF line ends, a tab, trailing
 * spaces, raw non-ASCII and an escaped U+2028; any re-serialisation shows.
 */
function notebookBytes(version: number): Buffer {
  const text = [
    '{',
    ' "cells": [',
    '  {',
    '   "cell_type": "markdown",\t',
    '   "metadata": {},',
    `   "source": ["# Ångström QC — 漢字 ✓ v${version}\\n", "x \\u2028 y   "]`,
    '  }',
    ' ],',
    ' "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},',
    ' "nbformat": 4,',
    ' "nbformat_minor": 5',
    '}'
  ].join('\r\n');
  return Buffer.from(`${text}\r\n  \r\n`, 'utf8');
}

/** The file's bytes as the Jupyter server has them. */
async function fileBytes(page: IJupyterLabPageFixture, file: string): Promise<Buffer> {
  const res = await page.request.get(`/api/contents/${file.split('/').map(encodeURIComponent).join('/')}?type=file&format=base64&content=1`);
  expect(res.status()).toBe(200);
  return Buffer.from(((await res.json()) as { content: string }).content.replace(/\s+/g, ''), 'base64');
}

const sha256 = (bytes: Buffer): string => crypto.createHash('sha256').update(bytes).digest('hex');

test('A shares a notebook from the file browser; B sees it, opens an exact copy, and is told of version 2', async ({ page, tmpPath }) => {
  const stamp = Date.now().toString(36);
  const projectName = `Shared ${stamp}`;
  const project = `shared-${stamp}`;
  const file = `qc-${stamp}.ipynb`;
  // Galata's folder for this test, where the file browser starts and copies are written.
  const at = (name: string): string => `${tmpPath}/${name}`;
  const original = notebookBytes(1);

  await actAs(page, '');
  const author = ((await (await page.request.get('/prism/api/v1/me')).json()) as { user: string }).user;
  // Set-up through the API (the projects view has its own test): A's project, with B as a member.
  expect((await page.request.post('/prism/api/v1/projects', { data: { name: projectName } })).status()).toBe(201);
  expect((await page.request.put(`/prism/api/v1/projects/${project}/members/${MEMBER}`, { data: { role: 'member' } })).status()).toBe(200);
  const saved = await page.request.put(`/api/contents/${tmpPath}/${encodeURIComponent(file)}`, {
    data: { type: 'file', format: 'base64', content: original.toString('base64') }
  });
  expect(saved.status()).toBe(201);
  expect(sha256(await fileBytes(page, at(file)))).toBe(sha256(original));

  // A: right-click the notebook in the file browser, Share to Project…
  await page.filebrowser.openDirectory(tmpPath);
  await page.filebrowser.refresh();
  const item = page.locator('.jp-DirListing-item[data-file-type="notebook"]', { hasText: file });
  await item.click({ button: 'right', timeout: 30_000 });
  await page.locator('.lm-Menu-item', { hasText: 'Share to Project…' }).click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByLabel('Project', { exact: true }).selectOption({ label: projectName });
  await dialog.getByLabel('Note', { exact: true }).fill('first cut');
  await dialog.getByRole('button', { name: 'Share' }).click();
  await expect(page.locator('.Toastify__toast', { hasText: `Shared ${file} to ${projectName} as version 1.` })).toBeVisible();

  // B: the Shared notebooks sidebar lists A's notebook, its author and version, and no Unpublish.
  await actAs(page, MEMBER_TOKEN);
  await page.sidebar.openTab('jp-Prism-shared-notebooks');
  const sidebar = page.locator('#jp-Prism-shared-notebooks');
  await sidebar.locator('.jp-Prism-sharedNotebooksRefresh').click();
  const row = sidebar.locator(`.jp-Prism-sharedProject[data-project="${project}"] .jp-Prism-sharedNotebook[data-name="${file}"]`);
  await expect(row.locator('.jp-Prism-sharedAuthor')).toHaveText(author);
  await expect(row.locator('.jp-Prism-sharedVersion')).toHaveText('v1');
  await expect(row.locator('.jp-Prism-sharedNote')).toHaveText('first cut');
  await expect(row.locator('.jp-Prism-sharedDate')).not.toBeEmpty();
  await expect(row.locator('.jp-Prism-unpublish')).toHaveCount(0);

  // Open copy: a new file in B's folder, opened, byte for byte the original.
  const copy = `qc-${stamp}-v1.ipynb`;
  await row.locator('.jp-Prism-sharedActions .jp-Prism-openCopy').click();
  await expect(page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: copy })).toBeVisible({ timeout: 30_000 });
  expect(sha256(await fileBytes(page, at(copy)))).toBe(sha256(original));
  expect(sha256(await fileBytes(page, at(file)))).toBe(sha256(original));

  // A publishes version 2 (through the lab's own /prism/); B hears of it and opens that copy from the notification.
  const second = notebookBytes(2);
  const published = await page.request.post(`/prism/api/v1/projects/${project}/notebooks/${encodeURIComponent(file)}/versions`, {
    headers: { 'Content-Type': 'application/x-ipynb+json' },
    data: second
  });
  expect(published.status()).toBe(201);
  const toast = page.locator('.Toastify__toast', { hasText: `${author} published version 2 of ${file} in ${projectName}.` });
  await expect(toast).toBeVisible({ timeout: 30_000 });
  await expect(row.locator('.jp-Prism-sharedVersion')).toHaveText('v2');
  await toast.getByRole('button', { name: 'Open copy' }).click();
  const copy2 = `qc-${stamp}-v2.ipynb`;
  await expect(page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: copy2 })).toBeVisible({ timeout: 30_000 });
  expect(sha256(await fileBytes(page, at(copy2)))).toBe(sha256(second));

  // Opening version 1 again never overwrites the first copy.
  await row.locator('.jp-Prism-showVersions').click();
  await row.locator('.jp-Prism-sharedVersionRow[data-version="1"] .jp-Prism-openCopy').click();
  const again = `qc-${stamp}-v1-2.ipynb`;
  await expect(page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: again })).toBeVisible({ timeout: 30_000 });
  expect(sha256(await fileBytes(page, at(again)))).toBe(sha256(original));

  await actAs(page, '');
});
