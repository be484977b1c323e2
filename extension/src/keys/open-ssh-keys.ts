/**
 * The SSH keys view lives in one main-area widget, created on first use and
 * brought forward after that (`prism:open-ssh-keys`, from the palette and the
 * Prism panel).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import type { IPrismModel } from '../tokens';
import { SshKeysModel } from './ssh-keys-model';
import { SshKeysPanel } from './SshKeysPanel';

const WIDGET_ID = 'jp-Prism-ssh-keys';

export function openSshKeys(app: JupyterFrontEnd, prism: IPrismModel, trans: TranslationBundle): MainAreaWidget<SshKeysPanel> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID);
  if (open) {
    app.shell.activateById(WIDGET_ID);
    return open as MainAreaWidget<SshKeysPanel>;
  }
  const model = new SshKeysModel(prism);
  const widget = new MainAreaWidget({ content: new SshKeysPanel(model, trans) });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Prism SSH Keys');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => model.dispose());
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void model.reload();
  return widget;
}
