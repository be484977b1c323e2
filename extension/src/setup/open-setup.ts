/**
 * The first-run wizard lives in one main-area widget (the `prism:setup-aws`
 * command); Finish closes it and brings the Prism panel forward, reloaded.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { prismIcon } from '../icons';
import { CommandIDs, type IPrismModel } from '../tokens';
import { SetupModel } from './setup-model';
import { SetupWizard } from './SetupWizard';

const WIDGET_ID = 'jp-Prism-setup';

export function openSetup(
  app: JupyterFrontEnd,
  model: IPrismModel,
  trans: TranslationBundle
): MainAreaWidget<SetupWizard> {
  const open = Array.from(app.shell.widgets('main')).find(w => w.id === WIDGET_ID);
  if (open) {
    app.shell.activateById(WIDGET_ID);
    return open as MainAreaWidget<SetupWizard>;
  }
  const setup = new SetupModel(model);
  const widget = new MainAreaWidget({
    content: new SetupWizard(setup, trans, () => {
      widget.dispose();
      void app.commands.execute(CommandIDs.open);
    })
  });
  widget.id = WIDGET_ID;
  widget.title.label = trans.__('Set up AWS');
  widget.title.icon = prismIcon;
  widget.title.closable = true;
  app.shell.add(widget, 'main');
  app.shell.activateById(WIDGET_ID);
  void setup.loadProfiles();
  return widget;
}
