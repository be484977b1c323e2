/**
 * The projects view lives in one main-area widget, created on first use and
 * brought forward (and read again) after that (the `prism:open-projects` command).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import type { IPrismModel } from '../tokens';
import { ProjectsModel } from './projects-model';
import { ProjectsPanel } from './ProjectsPanel';

const WIDGET_ID = 'jp-Prism-projects';

export function openProjects(
  app: JupyterFrontEnd,
  prism: IPrismModel,
  trans: TranslationBundle
): MainAreaWidget<ProjectsPanel> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID) as
    | MainAreaWidget<ProjectsPanel>
    | undefined;
  if (open) {
    app.shell.activateById(WIDGET_ID);
    void open.content.model.load();
    return open;
  }
  const projects = new ProjectsModel(prism);
  const widget = new MainAreaWidget({ content: new ProjectsPanel(projects, () => prism.templates, trans) });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Prism Projects');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => projects.dispose());
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void projects.load();
  return widget;
}
