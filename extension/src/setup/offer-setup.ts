/**
 * When the Prism panel finds that the service cannot reach AWS (no
 * credentials, rejected ones, no network: GET /health's cloud.reachable is
 * false), it opens the first-run wizard, once per panel. A service that
 * reaches AWS through the environment never sees it; it stays in the palette.
 */
import type { CommandRegistry } from '@lumino/commands';

import { CommandIDs, type IPrismModel } from '../tokens';

/** `panel`: the connection is its (a disposed Lumino widget drops the signal connections it owns). */
export function offerSetupWhenUnreachable(model: IPrismModel, commands: CommandRegistry, panel: object): void {
  let offered = false;
  const check = (): void => {
    if (!offered && model.cloud?.reachable === false) {
      offered = true;
      model.changed.disconnect(check, panel);
      void commands.execute(CommandIDs.setupAws);
    }
  };
  model.changed.connect(check, panel);
  check();
}
