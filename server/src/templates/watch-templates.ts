/**
 * A changed templates folder needs no restart: the folder is watched and
 * reloaded once writes settle (an editor saves in several steps). The old
 * templates stay served until the new ones parse (TemplateLibrary.reload).
 */
import fs from 'node:fs';
import type { Logger } from '../logger';
import type { TemplateLibrary, TemplateReload } from './template-library';

const SETTLE_MS = 300;

export interface TemplateWatch {
  close(): void;
}

export function watchTemplates(library: TemplateLibrary, logger: Logger, settleMs = SETTLE_MS): TemplateWatch {
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();
  let closed = false;
  const reload = (): void => {
    // One reload at a time, in order: a change during a reload is read by the next one.
    reloading = reloading.then(async () => {
      if (closed) return;
      try {
        logTemplateReload(await library.reload(), logger);
      } catch (error) {
        logger.error({ err: error, dir: library.dir }, 'could not reload the templates; the previous ones stay served');
      }
    });
  };
  const watcher = fs.watch(library.dir, () => {
    clearTimeout(timer);
    timer = setTimeout(reload, settleMs);
  });
  watcher.on('error', error => logger.warn({ err: error, dir: library.dir }, 'stopped watching the templates folder; restart to pick up changes'));
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    }
  };
}

/** What a (re)load found, in the log: new versions, edited versions, problems with their place and hint. */
export function logTemplateReload(reload: TemplateReload, logger: Logger): void {
  if (reload.newVersions.length > 0) logger.info({ versions: reload.newVersions }, 'template versions loaded and kept');
  for (const version of reload.changedVersions) {
    logger.warn(
      { version, hint: 'Give the file a new version: launches already made record the version number, not its text.' },
      `${version} changed since it was first loaded`
    );
  }
  for (const d of reload.diagnostics) {
    logger.warn({ file: d.file, line: d.line, column: d.column, hint: d.hint }, d.message);
  }
}
