/**
 * The storage view lives in one main-area widget, created on first use and
 * brought forward after that (the `prism:open-storage` command).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import type { IPrismModel } from '../tokens';
import { StorageModel } from './storage-model';
import { StoragePanel } from './StoragePanel';

const WIDGET_ID = 'jp-Prism-storage';

export function openStorage(
  app: JupyterFrontEnd,
  model: IPrismModel,
  trans: TranslationBundle
): MainAreaWidget<StoragePanel> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID);
  if (open) {
    app.shell.activateById(WIDGET_ID);
    return open as MainAreaWidget<StoragePanel>;
  }
  const storage = new StorageModel(model);
  const widget = new MainAreaWidget({ content: new StoragePanel(storage, trans) });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Prism Storage');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => storage.dispose());
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void storage.load();
  return widget;
}
