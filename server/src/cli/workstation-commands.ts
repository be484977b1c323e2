/**
 * `prism list|stop|start|hibernate|resize|terminate|connect`: a workstation's
 * life from the terminal, through the same REST routes the extension uses.
 * A workstation is named by its name or its id (`ws-…`).
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline/promises';
import type { Connection, ResizeRequest, Workstation } from '../contract/api';
import { CliError } from './cli-error';
import { printJson, table, usdPerHour, type Output } from './output';
import type { ServiceClient } from './service-client';

/** By name or id. A name may belong to a terminated workstation and a live one: the live one wins. */
export async function findWorkstation(client: ServiceClient, nameOrId: string): Promise<Workstation> {
  const all = await client.get<Workstation[]>('/instances');
  const matches = all.filter(w => w.id === nameOrId || w.name === nameOrId);
  const live = matches.filter(w => w.state !== 'terminated');
  const found = live[0] ?? matches.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (found) return found;
  const names = all.filter(w => w.state !== 'terminated').map(w => w.name);
  throw new CliError(
    'No such workstation',
    `You have no workstation named or with the id '${nameOrId}'.`,
    names.length > 0 ? `Yours: ${names.join(', ')}. \`prism list\` shows them all.` : 'You have none yet; start one with `prism launch TEMPLATE --arch arm64`.',
    'WORKSTATION_NOT_FOUND'
  );
}

export async function listWorkstations(client: ServiceClient, options: { all: boolean; names: boolean }, out: Output): Promise<void> {
  const all = await client.get<Workstation[]>('/instances');
  // Terminated ones stay in the history; by default the list is what still exists.
  const shown = options.all ? all : all.filter(w => w.state !== 'terminated');
  if (options.names) return out.print(shown.map(w => w.name).join('\n'));
  if (out.json) return printJson(out, shown);
  if (shown.length === 0) return out.print('No workstations. Start one with `prism launch TEMPLATE --arch arm64`.');
  out.print(
    table(
      ['name', 'id', 'template', 'arch', 'type', 'state', 'phase', '$/h'],
      shown.map(w => [w.name, w.id, `${w.template}@${w.templateVersion}`, w.arch, w.instanceType, w.state, w.phase, usdPerHour(w.pricePerHour)])
    )
  );
}

export type LifecycleAction = 'stop' | 'start' | 'hibernate';

export async function changeState(client: ServiceClient, nameOrId: string, action: LifecycleAction, out: Output): Promise<void> {
  const ws = await findWorkstation(client, nameOrId);
  const after = await client.request<Workstation>('POST', `/instances/${ws.id}/${action}`);
  printWorkstation(after, out);
}

export async function resizeWorkstation(client: ServiceClient, nameOrId: string, request: ResizeRequest, out: Output): Promise<void> {
  const ws = await findWorkstation(client, nameOrId);
  out.note(`${ws.name}: ${ws.instanceType} → ${request.size ?? request.instanceType}${ws.state === 'running' ? ' (it stops and starts again)' : ''}`);
  printWorkstation(await client.request<Workstation>('POST', `/instances/${ws.id}/resize`, request), out);
}

export async function terminateWorkstation(client: ServiceClient, nameOrId: string, confirmed: boolean, out: Output): Promise<void> {
  const ws = await findWorkstation(client, nameOrId);
  if (!confirmed && !(await confirm(`Terminate ${ws.name} (${ws.id}, ${ws.instanceType})? Its disk is deleted. [y/N] `))) {
    throw new CliError('Not terminated', `${ws.name} was left as it is.`, 'Answer y to terminate, or pass --yes.', 'CANCELLED');
  }
  printWorkstation(await client.request<Workstation>('DELETE', `/instances/${ws.id}`), out);
}

/** Prints the SSH command, then runs it in this terminal (unless `print`). Resolves to ssh's exit code. */
export async function connectWorkstation(client: ServiceClient, nameOrId: string, print: boolean, out: Output): Promise<number> {
  const ws = await findWorkstation(client, nameOrId);
  const connection = await client.get<Connection>(`/instances/${ws.id}/connection`);
  if (out.json) printJson(out, connection);
  if (!connection.sshCommand) {
    throw new CliError('No SSH command yet', `${ws.name} has no address to connect to.`, 'Start it (`prism start NAME`) and wait until it is running.', 'NOT_READY');
  }
  if (!out.json) out.print(connection.sshCommand);
  if (print) return 0;
  // The service builds the command from a key path and user@address: words without quoting, so no shell is needed.
  const [command, ...args] = connection.sshCommand.split(/\s+/);
  return new Promise((resolve, reject) => {
    const ssh = spawn(command, args, { stdio: 'inherit' });
    ssh.once('error', error =>
      reject(new CliError('Cannot run ssh', `${command}: ${error.message}`, 'Install an OpenSSH client, or run the command above yourself.', 'SSH_MISSING'))
    );
    ssh.once('exit', code => resolve(code ?? 1));
  });
}

function printWorkstation(ws: Workstation, out: Output): void {
  if (out.json) return printJson(out, ws);
  out.print(`${ws.name} (${ws.id}): ${ws.state}, ${ws.instanceType}, ${usdPerHour(ws.pricePerHour)}/h`);
}

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError('Confirmation needed', 'Terminating asks for a yes, and there is no terminal to ask in.', 'Pass --yes to terminate without asking.', 'CONFIRMATION_NEEDED');
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
