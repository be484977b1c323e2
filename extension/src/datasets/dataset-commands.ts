/**
 * The dataset browser's commands, registered once: the sidebar's buttons,
 * its context menu and the palette all run these. Each acts on the
 * browser's target (the selected row, else the folder or dataset shown).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';

import { datasetsIcon } from '../icons';
import { CommandIDs } from '../tokens';
import { askWorkstation } from './attach-dialog';
import type { DatasetsModel } from './datasets-model';

export function addDatasetCommands(
  app: JupyterFrontEnd,
  model: DatasetsModel,
  sidebarId: string,
  trans: TranslationBundle
): void {
  const { commands, shell } = app;
  const copied = (what: string, text: string): void => {
    Clipboard.copyToSystem(text);
    Notification.info(trans.__('Copied %1: %2', what, text), { autoClose: 3000 });
  };

  commands.addCommand(CommandIDs.openDatasets, {
    label: trans.__('Open Prism Datasets'),
    caption: trans.__('Browse, preview, upload and attach research datasets and volumes'),
    icon: datasetsIcon,
    execute: () => shell.activateById(sidebarId)
  });

  commands.addCommand(CommandIDs.refreshDatasets, {
    label: trans.__('Reload Prism Datasets'),
    icon: refreshIcon,
    execute: () => model.refresh()
  });

  commands.addCommand(CommandIDs.uploadToDataset, {
    label: trans.__('Upload Files to Dataset…'),
    caption: trans.__('Upload files into the folder shown'),
    isVisible: () => model.location !== null && !model.location.dataset.readOnly,
    execute: () => {
      // Called from a click, so the browser lets the picker open.
      const picker = document.createElement('input');
      picker.type = 'file';
      picker.multiple = true;
      picker.onchange = () => void model.upload(Array.from(picker.files ?? []));
      picker.click();
    }
  });

  commands.addCommand(CommandIDs.downloadDatasetObject, {
    label: trans.__('Download'),
    caption: trans.__('Save the selected file to your computer'),
    isEnabled: () => model.target?.kind === 'entry' && model.target.entry.kind === 'object',
    execute: async () => {
      const target = model.target;
      if (target?.kind === 'entry' && target.entry.kind === 'object') {
        await model.download(target.dataset, target.entry);
      }
    }
  });

  commands.addCommand(CommandIDs.copyDatasetUri, {
    label: trans.__('Copy S3 URI'),
    isEnabled: () => model.target !== null && model.s3UriOf(model.target) !== null,
    execute: () => {
      const uri = model.target && model.s3UriOf(model.target);
      if (uri) {
        copied(trans.__('S3 URI'), uri);
      }
    }
  });

  commands.addCommand(CommandIDs.copyDatasetMountPath, {
    label: trans.__('Copy Mount Path'),
    caption: trans.__('Where it is found on a workstation it is attached to'),
    isEnabled: () => model.target !== null,
    execute: () => {
      if (model.target) {
        copied(trans.__('mount path'), model.mountPathOf(model.target));
      }
    }
  });

  commands.addCommand(CommandIDs.attachToWorkstation, {
    label: trans.__('Attach to Workstation…'),
    caption: trans.__('Mount this dataset or volume on one of your running workstations'),
    isEnabled: () => model.target !== null,
    execute: async () => {
      const target = model.target;
      if (!target) {
        return;
      }
      const name = target.kind === 'volume' ? target.volume.name : target.dataset.name;
      const workstation = await askWorkstation(name, model.readyWorkstations, trans);
      if (workstation && (await model.attach(target, workstation))) {
        const to = model.readyWorkstations.find(w => w.id === workstation)?.name ?? workstation;
        Notification.success(trans.__('%1 is attached to %2.', name, to), { autoClose: 5000 });
      }
    }
  });
}
