/**
 * Times, in the browser (performance.now() from the command to the frame
 * after the awaited element is in the DOM): opening the Prism panel until its
 * templates show, until the first of the seeded workstations is listed, and
 * scrolling the list to the last one; against opening JupyterLab's own
 * Launcher in the same page. Everything in the main area is closed between
 * runs, so each open builds its widget afresh. The first Prism open also
 * starts the service behind jupyter-server-proxy: kept apart as "cold".
 */
import fs from 'node:fs';
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);
const COUNT = Number(process.env.BENCH_UI_WORKSTATIONS ?? 1000);
const LAST = `ws-bench-${String(COUNT).padStart(4, '0')}`;

/** Runs a command and resolves with the ms until `selector` matches more elements than before, painted. */
function timeCommand(page: Page, command: string, selector: string): Promise<number> {
  return page.evaluate(
    async ({ command, selector }) => {
      const app = (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }).jupyterapp;
      const before = document.querySelectorAll(selector).length;
      const started = performance.now();
      void app.commands.execute(command);
      await new Promise<void>(resolve => {
        const look = (): void => {
          if (document.querySelectorAll(selector).length > before) resolve();
          else requestAnimationFrame(look);
        };
        look();
      });
      await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return performance.now() - started;
    },
    { command, selector }
  );
}

/** Scrolls the panel's workstation list to its end; ms until the last row is in the DOM, painted. */
function timeScrollToLast(page: Page): Promise<number> {
  return page.evaluate(async last => {
    const started = performance.now();
    const row = (): Element | null => document.querySelector(`.jp-Prism-panel .jp-Prism-workstation[data-workstation="${last}"]`);
    const scrollers = (): HTMLElement[] => {
      const first = document.querySelector('.jp-Prism-panel .jp-Prism-workstation');
      const found: HTMLElement[] = [];
      for (let el = first?.parentElement ?? null; el; el = el.parentElement) {
        if (el.scrollHeight > el.clientHeight + 1) found.push(el);
      }
      return found;
    };
    await new Promise<void>(resolve => {
      const look = (): void => {
        if (row()) return resolve();
        for (const el of scrollers()) el.scrollTop = el.scrollHeight;
        requestAnimationFrame(look);
      };
      look();
    });
    row()?.scrollIntoView();
    await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - started;
  }, LAST);
}

async function closeAll(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const app = (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }).jupyterapp;
    await app.commands.execute('application:close-all');
  });
  await expect(page.locator('.jp-Prism-panel')).toHaveCount(0);
  // JupyterLab opens a Launcher in an emptied main area; let it settle first.
  await page.waitForTimeout(1000);
}

test('time the Prism panel and its 1 000 workstations', async ({ page }) => {
  const samples: Record<string, number[]> = { launcher: [], templates: [], firstRow: [], lastRow: [] };
  await closeAll(page);
  const cold = await timeCommand(page, 'prism:open', '.jp-Prism-panel .jp-Prism-templateTitle');
  await expect(page.locator(`.jp-Prism-panel .jp-Prism-workstation[data-workstation="ws-bench-0001"]`)).toHaveCount(1, { timeout: 60_000 });
  const coldRows = await page.evaluate(() => document.querySelectorAll('.jp-Prism-panel .jp-Prism-workstation').length);
  for (let run = 0; run < RUNS; run++) {
    // Alternate which goes first, so neither always meets a freshly collected heap.
    const order = run % 2 ? ['prism', 'launcher'] : ['launcher', 'prism'];
    for (const which of order) {
      await closeAll(page);
      if (which === 'launcher') {
        samples.launcher.push(await timeCommand(page, 'launcher:create', '.jp-Launcher'));
      } else {
        samples.templates.push(await timeCommand(page, 'prism:open', '.jp-Prism-panel .jp-Prism-templateTitle'));
        await closeAll(page);
        samples.firstRow.push(await timeCommand(page, 'prism:open', '.jp-Prism-panel .jp-Prism-workstation[data-workstation="ws-bench-0001"]'));
        samples.lastRow.push(await timeScrollToLast(page));
      }
    }
  }
  const rowsInDom = await page.evaluate(() => document.querySelectorAll('.jp-Prism-panel .jp-Prism-workstation').length);
  await expect(page.locator(`.jp-Prism-panel .jp-Prism-workstation[data-workstation="${LAST}"]`)).toBeVisible();
  fs.writeFileSync(
    process.env.BENCH_UI_OUT ?? 'panel-timings.json',
    JSON.stringify({ workstations: COUNT, cold, coldRows, rowsInDom, samples }, null, 2)
  );
});
