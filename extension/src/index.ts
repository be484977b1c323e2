import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import type { IServiceOptions } from './api';
import { addCommands } from './commands';
import { notifyIdleWarnings } from './lifecycle/idle-notification';
import { PrismModel } from './model';
import { CommandIDs, IPrismModel } from './tokens';
import type { PrismPanel } from './widgets/PrismPanel';

const PLUGIN_ID = 'jupyterlab-prism:plugin';

/** The Prism model, its panel, and the commands that reach them. */
const prismPlugin: JupyterFrontEndPlugin<IPrismModel> = {
  id: PLUGIN_ID,
  description: 'Launch, watch and manage cloud research workstations.',
  requires: [ISettingRegistry],
  optional: [ILauncher, ICommandPalette, ILayoutRestorer, ITranslator],
  provides: IPrismModel,
  autoStart: true,
  activate: activatePrism
};

async function activatePrism(
  app: JupyterFrontEnd,
  settingRegistry: ISettingRegistry,
  launcher: ILauncher | null,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null,
  translator: ITranslator | null
): Promise<IPrismModel> {
  const trans = (translator ?? nullTranslator).load('jupyterlab_prism');
  const settings = await settingRegistry.load(PLUGIN_ID).catch(reason => {
    console.error('Prism: settings could not be loaded, using defaults', reason);
    return null;
  });
  const model = new PrismModel(serviceOptions(settings));
  settings?.changed.connect(() => model.configure(serviceOptions(settings)));

  const tracker = new WidgetTracker<MainAreaWidget<PrismPanel>>({
    namespace: 'prism'
  });
  addCommands(app, model, tracker, trans);

  launcher?.add({ command: CommandIDs.open, category: trans.__('Prism'), rank: 0 });
  const category = trans.__('Prism');
  palette?.addItem({ command: CommandIDs.open, category });
  palette?.addItem({ command: CommandIDs.refresh, category });
  palette?.addItem({ command: CommandIDs.openCatalog, category });
  palette?.addItem({ command: CommandIDs.openCosts, category });
  palette?.addItem({ command: CommandIDs.openMonitoring, category });
  palette?.addItem({ command: CommandIDs.setupAws, category });
  launcher?.add({ command: CommandIDs.buildTemplate, category, rank: 1 });
  palette?.addItem({ command: CommandIDs.buildTemplate, category });
  void restorer?.restore(tracker, {
    command: CommandIDs.open,
    name: () => 'prism'
  });
  return model;
}

/** Idle warnings as notifications with "Keep running 1 h". */
const idleWarningsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-prism:idle-warnings',
  description: 'Warn before an idle workstation is stopped or hibernated.',
  requires: [IPrismModel],
  optional: [ITranslator],
  autoStart: true,
  activate: activateIdleWarnings
};

function activateIdleWarnings(
  app: JupyterFrontEnd,
  model: IPrismModel,
  translator: ITranslator | null
): void {
  const trans = (translator ?? nullTranslator).load('jupyterlab_prism');
  notifyIdleWarnings(model, app.commands, trans);
}

function serviceOptions(
  settings: ISettingRegistry.ISettings | null
): IServiceOptions {
  return {
    serviceUrl: (settings?.get('serviceUrl').composite as string) ?? '',
    serviceToken: (settings?.get('serviceToken').composite as string) ?? ''
  };
}

export default [prismPlugin, idleWarningsPlugin];
export { IPrismModel, CommandIDs } from './tokens';
export { PrismRequestError } from './api';
