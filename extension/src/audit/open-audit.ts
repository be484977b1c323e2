/**
 * The audit log view lives in one main-area widget, created on first use and
 * brought forward after that. Its command is offered to Prism admins only
 * (`GET /me` roles); the service refuses everyone else anyway.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import { CommandIDs, type IPrismModel } from '../tokens';
import { AuditModel, NO_FILTERS } from './audit-model';
import { AuditPanel } from './AuditPanel';

const WIDGET_ID = 'jp-Prism-audit';

export function openAudit(
  app: JupyterFrontEnd,
  prism: IPrismModel,
  trans: TranslationBundle
): MainAreaWidget<AuditPanel> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID);
  if (open) {
    app.shell.activateById(WIDGET_ID);
    return open as MainAreaWidget<AuditPanel>;
  }
  const audit = new AuditModel(prism);
  const widget = new MainAreaWidget({ content: new AuditPanel(audit, trans) });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Prism Audit Log');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => audit.dispose());
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void audit.filter(NO_FILTERS);
  return widget;
}

/**
 * Registers `prism:open-audit`, visible once `GET /me` says the caller is a
 * Prism admin, and puts it in the palette then. Asked again when the
 * service settings change (another service, another caller).
 */
export function addAuditCommand(
  app: JupyterFrontEnd,
  prism: IPrismModel,
  palette: ICommandPalette | null,
  trans: TranslationBundle
): void {
  let isAdmin = false;
  let inPalette = false;
  app.commands.addCommand(CommandIDs.openAudit, {
    label: trans.__('Audit Log'),
    caption: trans.__('Who did what in Prism: filter, page through and export as CSV'),
    icon: prismIcon,
    isVisible: () => isAdmin,
    isEnabled: () => isAdmin,
    execute: () => openAudit(app, prism, trans)
  });
  let api = prism.api;
  const ask = async (): Promise<void> => {
    try {
      isAdmin = (await prism.api.me()).roles.includes('admin');
    } catch {
      // The service is unreachable or refused: nothing to offer until it answers.
      isAdmin = false;
    }
    if (isAdmin && !inPalette) {
      palette?.addItem({ command: CommandIDs.openAudit, category: trans.__('Prism') });
      inPalette = true;
    }
    app.commands.notifyCommandChanged(CommandIDs.openAudit);
  };
  prism.changed.connect(() => {
    if (prism.api !== api) {
      api = prism.api;
      void ask();
    }
  });
  void ask();
}
