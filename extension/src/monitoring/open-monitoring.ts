/**
 * The monitoring dashboard lives in one main-area widget, created on first
 * use and brought forward after that (the `prism:open-monitoring` command).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import type { IPrismModel } from '../tokens';
import { MonitoringModel } from './monitoring-model';
import { MonitoringPanel } from './MonitoringPanel';

const WIDGET_ID = 'jp-Prism-monitoring';

export function openMonitoring(
  app: JupyterFrontEnd,
  model: IPrismModel,
  trans: TranslationBundle
): MainAreaWidget<MonitoringPanel> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID);
  if (open) {
    app.shell.activateById(WIDGET_ID);
    return open as MainAreaWidget<MonitoringPanel>;
  }
  const monitoring = new MonitoringModel(model);
  const widget = new MainAreaWidget({ content: new MonitoringPanel(monitoring, trans) });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Prism Monitoring');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  // Its own socket closes with it.
  widget.disposed.connect(() => monitoring.dispose());
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void monitoring.load();
  return widget;
}
