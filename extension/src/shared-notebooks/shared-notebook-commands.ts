/**
 * The shared notebooks' commands, registered once: the file browser's
 * context menu, the palette, the sidebar's buttons and the new-version
 * notification all run these.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { IDocumentWidget } from '@jupyterlab/docregistry';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { TranslationBundle } from '@jupyterlab/translation';
import { notebookIcon } from '@jupyterlab/ui-components';

import { problemOf } from '../api';
import { CommandIDs } from '../tokens';
import { baseName } from './notebook-bytes';
import { askShare } from './share-dialog';
import type { SharedNotebooksModel } from './shared-notebooks-model';

interface IVersionArgs {
  project: string;
  name: string;
  version?: number;
}

export function addSharedNotebookCommands(
  app: JupyterFrontEnd,
  model: SharedNotebooksModel,
  browser: IDefaultFileBrowser | null,
  docManager: IDocumentManager | null,
  sidebarId: string,
  trans: TranslationBundle
): void {
  const { commands, shell } = app;
  const failed = (reason: unknown): void => {
    const problem = problemOf(reason);
    Notification.error(`${problem.detail || problem.title} ${problem.hint}`, { autoClose: false });
  };

  /** The notebook selected in the file browser, else the notebook being edited. */
  const notebookToShare = (): string | null => {
    const selected = browser ? Array.from(browser.selectedItems()).find(item => item.type === 'notebook') : undefined;
    if (selected) {
      return selected.path;
    }
    const path = (shell.currentWidget as IDocumentWidget | null)?.context?.path;
    return path?.endsWith('.ipynb') ? path : null;
  };

  commands.addCommand(CommandIDs.shareNotebook, {
    label: trans.__('Share to Project…'),
    caption: trans.__('Publish this notebook, as saved, as a new version in one of your projects'),
    icon: notebookIcon,
    isEnabled: () => notebookToShare() !== null,
    execute: async () => {
      const path = notebookToShare();
      if (!path) {
        return;
      }
      try {
        const projects = await model.publishableProjects();
        const choice = await askShare(baseName(path), projects, trans);
        if (!choice) {
          return;
        }
        // What is shared is the file; an open notebook's unsaved edits are what the researcher means to share.
        const open = docManager?.findWidget(path)?.context;
        if (open?.model.dirty) {
          await open.save();
        }
        const version = await model.share(path, choice.project, choice.note);
        const project = projects.find(p => p.id === choice.project)?.name ?? choice.project;
        Notification.success(trans.__('Shared %1 to %2 as version %3.', version.name, project, version.version), {
          autoClose: 5000,
          actions: [{ label: trans.__('Show'), callback: () => shell.activateById(sidebarId) }]
        });
      } catch (reason) {
        failed(reason);
      }
    }
  });

  commands.addCommand(CommandIDs.openSharedNotebooks, {
    label: trans.__('Open Shared Notebooks'),
    caption: trans.__('The notebooks shared in your projects'),
    icon: notebookIcon,
    execute: () => shell.activateById(sidebarId)
  });

  commands.addCommand(CommandIDs.openSharedNotebookCopy, {
    label: trans.__('Open Copy'),
    caption: trans.__('Write a copy of this version into your folder and open it'),
    execute: async args => {
      const { project, name, version } = args as unknown as IVersionArgs;
      if (version === undefined) {
        return;
      }
      try {
        const path = await model.openCopy(project, name, version, browser?.model.path ?? '');
        await commands.execute('docmanager:open', { path });
        Notification.success(trans.__('Opened a copy of %1 (version %2) as %3.', name, version, path), { autoClose: 5000 });
      } catch (reason) {
        failed(reason);
      }
    }
  });

  commands.addCommand(CommandIDs.unpublishSharedNotebook, {
    label: trans.__('Unpublish…'),
    caption: trans.__('Remove it from the project; copies people opened stay theirs'),
    execute: async args => {
      const { project, name, version } = args as unknown as IVersionArgs;
      const what = version === undefined ? trans.__('%1 (all its versions)', name) : trans.__('version %1 of %2', version, name);
      const answer = await showDialog({
        title: trans.__('Unpublish %1?', what),
        body: trans.__('People in the project will no longer see it or open copies of it. Copies already opened stay theirs.'),
        buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.warnButton({ label: trans.__('Unpublish') })]
      });
      if (!answer.button.accept) {
        return;
      }
      try {
        await model.unpublish(project, name, version);
        Notification.success(trans.__('Unpublished %1.', what), { autoClose: 5000 });
      } catch (reason) {
        failed(reason);
      }
    }
  });
}

/** A new version by someone else, with "Open copy". */
export function notifyNewVersions(model: SharedNotebooksModel, app: JupyterFrontEnd, trans: TranslationBundle): void {
  model.othersPublished.connect((_, event) => {
    const project = model.projects.find(p => p.project.id === event.project)?.project.name ?? event.project;
    Notification.info(trans.__('%1 published version %2 of %3 in %4.', event.author, event.version, event.name, project), {
      autoClose: false,
      actions: [
        {
          label: trans.__('Open copy'),
          callback: () =>
            void app.commands.execute(CommandIDs.openSharedNotebookCopy, { project: event.project, name: event.name, version: event.version })
        }
      ]
    });
  });
}
