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
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import type { IServiceOptions } from './api';
import { addAuditCommand } from './audit/open-audit';
import { addCommands } from './commands';
import { addDatasetCommands } from './datasets/dataset-commands';
import { DatasetsModel } from './datasets/datasets-model';
import { addDatasetsSidebar } from './datasets/datasets-sidebar';
import { notifyIdleWarnings } from './lifecycle/idle-notification';
import { PrismModel } from './model';
import { addSharedNotebookCommands, notifyNewVersions } from './shared-notebooks/shared-notebook-commands';
import { SharedNotebooksModel } from './shared-notebooks/shared-notebooks-model';
import { addSharedNotebooksSidebar } from './shared-notebooks/shared-notebooks-sidebar';
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
  palette?.addItem({ command: CommandIDs.openStorage, category });
  palette?.addItem({ command: CommandIDs.openProjects, category });
  palette?.addItem({ command: CommandIDs.openMonitoring, category });
  palette?.addItem({ command: CommandIDs.openSshKeys, category });
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

/** The Datasets sidebar: browse, preview, upload and attach datasets and volumes. */
const datasetsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-prism:datasets',
  description: 'Browse, preview, upload and attach research datasets and EFS volumes.',
  requires: [IPrismModel, ISettingRegistry],
  optional: [ICommandPalette, ILayoutRestorer, ITranslator],
  autoStart: true,
  activate: activateDatasets
};

async function activateDatasets(
  app: JupyterFrontEnd,
  prism: IPrismModel,
  settingRegistry: ISettingRegistry,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null,
  translator: ITranslator | null
): Promise<void> {
  const trans = (translator ?? nullTranslator).load('jupyterlab_prism');
  const settings = await settingRegistry.load(PLUGIN_ID).catch(() => null);
  const pageSize = (): number => (settings?.get('datasetPageSize').composite as number) ?? 500;
  const model = new DatasetsModel(prism, pageSize());
  settings?.changed.connect(() => {
    model.pageSize = pageSize();
  });
  const sidebar = addDatasetsSidebar(app, model, trans);
  addDatasetCommands(app, model, sidebar.id, trans);
  palette?.addItem({ command: CommandIDs.openDatasets, category: trans.__('Prism') });
  restorer?.add(sidebar, sidebar.id);
}

/** The audit log view, offered to Prism admins. */
const auditPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-prism:audit',
  description: 'Who did what in Prism: the audit log, filtered, paged and exported as CSV (admins).',
  requires: [IPrismModel],
  optional: [ICommandPalette, ITranslator],
  autoStart: true,
  activate: activateAudit
};

function activateAudit(
  app: JupyterFrontEnd,
  prism: IPrismModel,
  palette: ICommandPalette | null,
  translator: ITranslator | null
): void {
  addAuditCommand(app, prism, palette, (translator ?? nullTranslator).load('jupyterlab_prism'));
}

/** Shared notebooks: "Share to Project…", the sidebar, and new versions as notifications. */
const sharedNotebooksPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-prism:shared-notebooks',
  description: 'Share notebooks to a project, open copies of those shared, hear of new versions.',
  requires: [IPrismModel],
  optional: [IDefaultFileBrowser, IDocumentManager, ICommandPalette, ILayoutRestorer, ITranslator],
  autoStart: true,
  activate: activateSharedNotebooks
};

function activateSharedNotebooks(
  app: JupyterFrontEnd,
  prism: IPrismModel,
  browser: IDefaultFileBrowser | null,
  docManager: IDocumentManager | null,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null,
  translator: ITranslator | null
): void {
  const trans = (translator ?? nullTranslator).load('jupyterlab_prism');
  const model = new SharedNotebooksModel(prism, app.serviceManager.contents);
  const sidebar = addSharedNotebooksSidebar(app, model, trans);
  addSharedNotebookCommands(app, model, browser, docManager, sidebar.id, trans);
  notifyNewVersions(model, app, trans);
  const category = trans.__('Prism');
  palette?.addItem({ command: CommandIDs.shareNotebook, category });
  palette?.addItem({ command: CommandIDs.openSharedNotebooks, category });
  restorer?.add(sidebar, sidebar.id);
}

function serviceOptions(
  settings: ISettingRegistry.ISettings | null
): IServiceOptions {
  return {
    serviceUrl: (settings?.get('serviceUrl').composite as string) ?? '',
    serviceToken: (settings?.get('serviceToken').composite as string) ?? ''
  };
}

export default [prismPlugin, idleWarningsPlugin, datasetsPlugin, auditPlugin, sharedNotebooksPlugin];
export { IPrismModel, CommandIDs } from './tokens';
export { PrismRequestError } from './api';
