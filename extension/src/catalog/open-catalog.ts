/**
 * The catalog lives in one main-area widget, created on first use and
 * brought forward after that (the `prism:open-catalog` command).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import type { IPrismModel } from '../tokens';
import { CatalogModel } from './catalog-model';
import { CatalogPanel } from './CatalogPanel';

const WIDGET_ID = 'jp-Prism-catalog';

export function openCatalog(
  app: JupyterFrontEnd,
  model: IPrismModel,
  trans: TranslationBundle
): MainAreaWidget<CatalogPanel> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID);
  if (open) {
    app.shell.activateById(WIDGET_ID);
    return open as MainAreaWidget<CatalogPanel>;
  }
  const catalog = new CatalogModel(model);
  const widget = new MainAreaWidget({ content: new CatalogPanel(catalog, trans) });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Prism Catalog');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void catalog.load();
  return widget;
}
