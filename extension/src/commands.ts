import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  MainAreaWidget,
  showDialog,
  WidgetTracker
} from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';

import { TemplateBuilder } from './builder/TemplateBuilder';
import { openCatalog } from './catalog/open-catalog';
import { openCosts } from './costs/open-costs';
import { openProjects } from './projects/open-projects';
import { openStorage } from './storage/open-storage';
import { prismIcon } from './icons';
import { askSize } from './lifecycle/resize-dialog';
import { openMonitoring } from './monitoring/open-monitoring';
import { openSetup } from './setup/open-setup';
import { openSshKeys } from './keys/open-ssh-keys';
import { CommandIDs, IPrismModel } from './tokens';
import { PrismPanel } from './widgets/PrismPanel';

/**
 * Register Prism's commands, once. The launcher card, the palette and the
 * panel's buttons all run these.
 */
export function addCommands(
  app: JupyterFrontEnd,
  model: IPrismModel,
  tracker: WidgetTracker<MainAreaWidget<PrismPanel>>,
  trans: TranslationBundle
): void {
  const { commands, shell } = app;
  const idOf = (args: Record<string, unknown>): string => {
    if (typeof args.id !== 'string') {
      throw new Error('A workstation id is required (args.id).');
    }
    return args.id;
  };

  commands.addCommand(CommandIDs.open, {
    label: trans.__('Prism Workstation'),
    caption: trans.__('Launch and manage cloud workstations'),
    icon: prismIcon,
    execute: async () => {
      let widget = tracker.currentWidget;
      if (!widget || widget.isDisposed) {
        const panel = new PrismPanel(model, commands, trans);
        widget = new MainAreaWidget({ content: panel });
        widget.id = 'jp-Prism-main';
        widget.title.label = trans.__('Prism');
        widget.title.icon = prismIcon;
        widget.title.closable = true;
        await tracker.add(widget);
      }
      if (!widget.isAttached) {
        shell.add(widget, 'main');
      }
      shell.activateById(widget.id);
      return widget;
    }
  });

  let builders = 0;
  commands.addCommand(CommandIDs.buildTemplate, {
    label: trans.__('New Prism Template'),
    caption: trans.__('Compose a workstation template from a parent, with a live YAML preview'),
    icon: prismIcon,
    execute: () => {
      const content = new TemplateBuilder(model, commands, trans);
      const widget = new MainAreaWidget({ content });
      widget.id = `jp-Prism-builder-${++builders}`;
      widget.title.label = trans.__('New Prism Template');
      widget.title.icon = prismIcon;
      widget.title.closable = true;
      shell.add(widget, 'main');
      shell.activateById(widget.id);
      return widget;
    }
  });

  commands.addCommand(CommandIDs.openCatalog, {
    label: trans.__('Open Prism Catalog'),
    caption: trans.__('Community templates: search, install, rate'),
    icon: prismIcon,
    execute: () => openCatalog(app, model, trans)
  });

  commands.addCommand(CommandIDs.refresh, {
    label: trans.__('Refresh Prism Workstations'),
    icon: refreshIcon,
    execute: () => model.refresh()
  });

  commands.addCommand(CommandIDs.stop, {
    label: trans.__('Stop Workstation'),
    execute: args => model.stopWorkstation(idOf(args))
  });

  commands.addCommand(CommandIDs.start, {
    label: trans.__('Start Workstation'),
    execute: args => model.startWorkstation(idOf(args))
  });

  commands.addCommand(CommandIDs.hibernate, {
    label: trans.__('Hibernate Workstation'),
    caption: trans.__('Stop billing for compute and keep the memory: Resume continues where it was'),
    execute: args => model.hibernateWorkstation(idOf(args))
  });

  commands.addCommand(CommandIDs.resize, {
    label: trans.__('Resize Workstation…'),
    caption: trans.__('Another size of the same arch; the disk stays'),
    execute: async args => {
      const workstation = model.workstations.find(w => w.id === idOf(args));
      if (!workstation) {
        throw new Error(`No workstation ${idOf(args)}.`);
      }
      const template = model.templates.find(t => t.name === workstation.template) ?? null;
      const size = await askSize(workstation, template, trans);
      if (size) {
        await model.resizeWorkstation(workstation.id, size);
      }
    }
  });

  commands.addCommand(CommandIDs.keepRunning, {
    label: trans.__('Keep Workstation Running 1 h'),
    caption: trans.__('Postpone the idle stop or hibernation by one hour'),
    execute: args => model.keepRunning(idOf(args), 1)
  });

  commands.addCommand(CommandIDs.openCosts, {
    label: trans.__('Open Prism Costs'),
    caption: trans.__('What your workstations cost this month, and where it is heading'),
    icon: prismIcon,
    execute: () => openCosts(app, model, trans)
  });

  commands.addCommand(CommandIDs.openStorage, {
    label: trans.__('Open Prism Storage'),
    caption: trans.__('Your volumes and snapshots, what is unused, and what it costs a month'),
    icon: prismIcon,
    execute: () => openStorage(app, model, trans)
  });

  commands.addCommand(CommandIDs.openProjects, {
    label: trans.__('Open Prism Projects'),
    caption: trans.__('Your projects: members and roles, what they allow, budget and workstations'),
    icon: prismIcon,
    execute: () => openProjects(app, model, trans)
  });

  commands.addCommand(CommandIDs.openMonitoring, {
    label: trans.__('Open Prism Monitoring'),
    caption: trans.__('Live graphs of your workstations: CPU, memory, disk, network and cost'),
    icon: prismIcon,
    execute: () => openMonitoring(app, model, trans)
  });

  commands.addCommand(CommandIDs.openSshKeys, {
    label: trans.__('Open Prism SSH Keys'),
    caption: trans.__('Your SSH public keys, installed on every workstation you may reach'),
    icon: prismIcon,
    execute: () => openSshKeys(app, model, trans)
  });

  commands.addCommand(CommandIDs.setupAws, {
    label: trans.__('Set Up AWS for Prism…'),
    caption: trans.__('Pick or create an AWS profile, check it and pick a region'),
    icon: prismIcon,
    execute: () => openSetup(app, model, trans)
  });

  commands.addCommand(CommandIDs.terminate, {
    label: trans.__('Terminate Workstation'),
    execute: async args => {
      const id = idOf(args);
      const name = model.workstations.find(w => w.id === id)?.name ?? id;
      const answer = await showDialog({
        title: trans.__('Terminate %1?', name),
        body: trans.__(
          'The workstation and its local disk go away; volumes and datasets stay.'
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: trans.__('Terminate') })
        ]
      });
      if (answer.button.accept) {
        await model.terminateWorkstation(id);
      }
    }
  });
}
