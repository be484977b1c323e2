/**
 * The Shared notebooks sidebar in JupyterLab's left area, after Datasets,
 * and "Share to Project…" in the file browser's menu for notebooks.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import { notebookIcon } from '@jupyterlab/ui-components';

import { CommandIDs } from '../tokens';
import type { SharedNotebooksModel } from './shared-notebooks-model';
import { SharedNotebooksPanel } from './SharedNotebooksPanel';

export const SHARED_NOTEBOOKS_SIDEBAR_ID = 'jp-Prism-shared-notebooks';

/** The file browser's rank is 100, Datasets' 101. */
const SIDEBAR_RANK = 102;

export function addSharedNotebooksSidebar(
  app: JupyterFrontEnd,
  model: SharedNotebooksModel,
  trans: TranslationBundle
): SharedNotebooksPanel {
  const panel = new SharedNotebooksPanel(model, app.commands, trans);
  panel.id = SHARED_NOTEBOOKS_SIDEBAR_ID;
  panel.title.icon = notebookIcon;
  panel.title.caption = trans.__('Shared notebooks');
  app.shell.add(panel, 'left', { rank: SIDEBAR_RANK });

  app.contextMenu.addItem({
    command: CommandIDs.shareNotebook,
    selector: '.jp-DirListing-item[data-file-type="notebook"]',
    rank: 60
  });
  return panel;
}
