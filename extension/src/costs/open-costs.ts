/**
 * The costs view lives in one main-area widget, created on first use and
 * brought forward after that (the `prism:open-costs` command).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import type { IPrismModel } from '../tokens';
import { CostsModel } from './costs-model';
import { CostsPanel } from './CostsPanel';

const WIDGET_ID = 'jp-Prism-costs';

export function openCosts(
  app: JupyterFrontEnd,
  model: IPrismModel,
  trans: TranslationBundle
): MainAreaWidget<CostsPanel> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID);
  if (open) {
    app.shell.activateById(WIDGET_ID);
    return open as MainAreaWidget<CostsPanel>;
  }
  const costs = new CostsModel(model);
  const widget = new MainAreaWidget({ content: new CostsPanel(costs, trans) });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Prism Costs');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => costs.dispose());
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void costs.load();
  return widget;
}
