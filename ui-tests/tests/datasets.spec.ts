import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

/**
 * start-lab.sh fills the bucket prism-ui-survey in moto (seed-datasets.py):
 * under survey/, README.txt, 2024/ with a CSV, a notebook, an image and a
 * binary, and readings/ with 1200 small objects. Here it is registered as
 * datasets through the service (behind Jupyter's proxy, as the single user,
 * who is an admin), then browsed as a researcher would.
 */
const run = Date.now().toString(36);
const writable = `survey-${run}`;
const readOnly = `survey-ro-${run}`;

async function register(page: Page, name: string, readOnlyDataset: boolean): Promise<void> {
  const response = await page.request.post('/prism/api/v1/datasets', {
    data: {
      name,
      bucket: 'prism-ui-survey',
      prefix: 'survey/',
      readOnly: readOnlyDataset,
      description: 'Arctic station records, 2024'
    }
  });
  expect(response.status(), await response.text()).toBe(201);
}

test('a researcher browses a dataset, previews its files, uploads into a folder and scrolls a folder of 1200 objects', async ({
  page
}) => {
  await register(page, writable, false);
  await register(page, readOnly, true);

  await page.locator('.lm-TabBar-tab[data-id="jp-Prism-datasets"]').click();
  const sidebar = page.locator('#jp-Prism-datasets');
  await expect(sidebar).toBeVisible();

  // The top level: both datasets, the read-only one marked.
  const ro = sidebar.locator(`.jp-Prism-datasetItem[data-dataset="${readOnly}"]`);
  await expect(ro).toContainText('Arctic station records, 2024', { timeout: 60 * 1000 });
  await expect(ro.locator('.jp-Prism-readOnly')).toHaveText('read-only');
  const item = sidebar.locator(`.jp-Prism-datasetItem[data-dataset="${writable}"]`);
  await expect(item.locator('.jp-Prism-readOnly')).toHaveCount(0);

  // A read-only dataset offers no upload.
  await ro.getByRole('button').click();
  await expect(sidebar.locator(`.jp-Prism-datasetBrowser[data-dataset="${readOnly}"]`)).toBeVisible();
  await expect(sidebar.locator('.jp-Prism-datasetEntry[data-path="README.txt"]')).toBeVisible();
  await expect(sidebar.getByRole('button', { name: 'Upload files' })).toHaveCount(0);
  await sidebar.locator('.jp-Prism-datasetCrumb', { hasText: 'Datasets' }).click();

  // Inside the writable one: its prefix's folders and files, nothing outside it.
  await item.getByRole('button').click();
  const rows = sidebar.locator('.jp-Prism-datasetEntry');
  await expect(rows.first()).toBeVisible();
  await expect(sidebar.locator('.jp-Prism-datasetEntry[data-kind="folder"]')).toHaveText(['2024', 'readings']);
  await expect(sidebar.locator('.jp-Prism-datasetEntry[data-path="README.txt"]')).toContainText('37 B');
  await expect(sidebar.locator('.jp-Prism-datasetEntry', { hasText: 'secret.txt' })).toHaveCount(0);

  // Into 2024/: the breadcrumbs follow.
  await sidebar.locator('.jp-Prism-datasetEntry[data-path="2024/"]').click();
  await expect(sidebar.locator('.jp-Prism-datasetCrumb')).toHaveText(['Datasets', writable, '2024']);
  await expect(rows).toHaveText([/analysis\.ipynb/, /map\.png/, /raw\.bin/, /stations\.csv/]);

  // The CSV's first rows, as a table.
  await sidebar.locator('.jp-Prism-datasetEntry[data-path="2024/stations.csv"]').click();
  const preview = sidebar.locator('.jp-Prism-datasetPreview');
  const table = preview.locator('table.jp-Prism-datasetPreviewTable');
  await expect(table.locator('th')).toHaveText(['station', 'latitude', 'longitude', 'temperature_c']);
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tbody tr').first().locator('td')).toHaveText(['Ny-Alesund', '78.92', '11.93', '-4.2']);

  // The notebook's cells, markdown and code told apart; the binary has none.
  await sidebar.locator('.jp-Prism-datasetEntry[data-path="2024/analysis.ipynb"]').click();
  await expect(preview.locator('.jp-Prism-notebookCell[data-cell-kind="markdown"]')).toContainText('# Arctic stations');
  await expect(preview.locator('.jp-Prism-notebookCell[data-cell-kind="code"]')).toContainText("pd.read_csv('stations.csv')");
  await sidebar.locator('.jp-Prism-datasetEntry[data-path="2024/map.png"]').click();
  await expect(preview.locator('img.jp-Prism-datasetPreviewImage')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await sidebar.locator('.jp-Prism-datasetEntry[data-path="2024/raw.bin"]').click();
  await expect(preview.locator('[data-kind="none"]')).toContainText('No preview');

  // Upload a small file into 2024/: its progress completes and it is listed.
  const uploaded = `notes-${run}.txt`;
  await expect(sidebar.locator(`.jp-Prism-datasetEntry[data-path="2024/${uploaded}"]`)).toHaveCount(0);
  const chooser = page.waitForEvent('filechooser');
  await sidebar.getByRole('button', { name: 'Upload files' }).click();
  await (await chooser).setFiles({
    name: uploaded,
    mimeType: 'text/plain',
    buffer: Buffer.from('Calibrated on 2024-06-01.\n')
  });
  await expect(sidebar.locator(`.jp-Prism-datasetUploadRow[data-path="2024/${uploaded}"]`)).toHaveAttribute(
    'data-status',
    'done'
  );
  const row = sidebar.locator(`.jp-Prism-datasetEntry[data-path="2024/${uploaded}"]`);
  await expect(row).toContainText('26 B');
  await row.click();
  await expect(preview.locator('.jp-Prism-datasetPreviewText')).toHaveText('Calibrated on 2024-06-01.\n');

  // A file dropped on the list whose part the proxy fails: the upload is
  // aborted on the service, the problem shown, and nothing is listed.
  const dropped = `dropped-${run}.txt`;
  await page.route('**/prism/api/v1/datasets/*/uploads/*/parts/*', route =>
    route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' })
  );
  const aborted = page.waitForResponse(
    r => r.request().method() === 'DELETE' && /\/uploads\/up-[0-9a-f]+/.test(r.url())
  );
  const files = await page.evaluateHandle(name => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['lost on the way\n'], name, { type: 'text/plain' }));
    return transfer;
  }, dropped);
  await sidebar.locator('.jp-Prism-datasetDrop').dispatchEvent('drop', { dataTransfer: files });
  expect((await aborted).status()).toBe(204);
  await page.unroute('**/prism/api/v1/datasets/*/uploads/*/parts/*');
  const failed = sidebar.locator(`.jp-Prism-datasetUploadRow[data-path="2024/${dropped}"]`);
  await expect(failed).toHaveAttribute('data-status', 'failed');
  await expect(failed.locator('.jp-Prism-problem')).toHaveAttribute('data-code', 'HTTP_502');
  await expect(failed.locator('.jp-Prism-problemHint')).toContainText('The Prism service may still be starting');
  await sidebar.getByRole('button', { name: 'Reload datasets' }).click();
  await expect(sidebar.locator(`.jp-Prism-datasetEntry[data-path="2024/${uploaded}"]`)).toBeVisible();
  await expect(sidebar.locator(`.jp-Prism-datasetEntry[data-path="2024/${dropped}"]`)).toHaveCount(0);

  // Up, then the folder of 1200 objects: only a screenful of rows is in
  // the page, and scrolling to the end brings the last page in.
  await sidebar.getByRole('button', { name: 'Up one folder' }).click();
  await sidebar.locator('.jp-Prism-datasetEntry[data-path="readings/"]').click();
  await expect(rows.first()).toHaveText(/reading-00000\.txt/);
  expect(await rows.count()).toBeLessThan(100);
  const list = sidebar.locator('.jp-Prism-datasetObjects');
  const last = sidebar.locator('.jp-Prism-datasetEntry[data-path="readings/reading-01199.txt"]');
  await expect(async () => {
    await list.evaluate(node => (node.scrollTop = node.scrollHeight));
    await expect(last).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60 * 1000 });
  expect(await rows.count()).toBeLessThan(100);
  await expect(last).toHaveAttribute('aria-posinset', '1200');
  await expect(last).toHaveAttribute('aria-setsize', '1200');
});

/** The emulated boot installs nothing but does start a real Jupyter. */
const READY_TIMEOUT = 3 * 60 * 1000;

test('a researcher attaches a dataset to a ready workstation from the sidebar', async ({ page }) => {
  const dataset = `survey-attach-${run}`;
  await register(page, dataset, true);
  const name = `attach-${run}`;
  const launched = await page.request.post('/prism/api/v1/instances', {
    data: { name, template: 'amazon-linux', arch: 'arm64' }
  });
  expect(launched.status(), await launched.text()).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  try {
    await expect
      .poll(async () => ((await (await page.request.get(`/prism/api/v1/instances/${id}`)).json()) as { phase: string }).phase, {
        timeout: READY_TIMEOUT,
        intervals: [2000]
      })
      .toBe('ready');

    await page.locator('.lm-TabBar-tab[data-id="jp-Prism-datasets"]').click();
    const sidebar = page.locator('#jp-Prism-datasets');
    const item = sidebar.locator(`.jp-Prism-datasetItem[data-dataset="${dataset}"]`);
    await item.click({ button: 'right', timeout: 60 * 1000 });
    await page.locator('.lm-Menu-item', { hasText: 'Attach to Workstation…' }).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(`Attach ${dataset} to a workstation`);
    await expect(dialog.getByRole('radio', { name: new RegExp(name) })).toBeChecked();
    await dialog.getByRole('button', { name: 'Attach' }).click();
    await expect(page.getByText(`${dataset} is attached to ${name}.`)).toBeVisible();

    // The workstation now carries the mount the researcher asked for.
    const workstation = (await (await page.request.get(`/prism/api/v1/instances/${id}`)).json()) as {
      mounts?: { path: string }[];
    };
    expect(workstation.mounts?.map(m => m.path)).toContain(`/data/${dataset}`);
  } finally {
    await page.request.delete(`/prism/api/v1/instances/${id}`);
  }
});
