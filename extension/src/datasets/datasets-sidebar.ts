/**
 * The Datasets sidebar in JupyterLab's left area, after the file browser,
 * with the context menu of its rows.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';

import { datasetsIcon } from '../icons';
import { CommandIDs } from '../tokens';
import type { DatasetsModel } from './datasets-model';
import { DatasetsPanel } from './DatasetsPanel';

export const DATASETS_SIDEBAR_ID = 'jp-Prism-datasets';

/** The file browser's rank is 100. */
const SIDEBAR_RANK = 101;

export function addDatasetsSidebar(
  app: JupyterFrontEnd,
  model: DatasetsModel,
  trans: TranslationBundle
): DatasetsPanel {
  const panel = new DatasetsPanel(model, app.commands, trans);
  panel.id = DATASETS_SIDEBAR_ID;
  panel.title.icon = datasetsIcon;
  panel.title.caption = trans.__('Datasets');
  app.shell.add(panel, 'left', { rank: SIDEBAR_RANK });

  const selector = '.jp-Prism-datasetRow';
  [
    CommandIDs.downloadDatasetObject,
    CommandIDs.copyDatasetUri,
    CommandIDs.copyDatasetMountPath,
    CommandIDs.attachToWorkstation
  ].forEach((command, rank) => app.contextMenu.addItem({ command, selector, rank }));
  return panel;
}
