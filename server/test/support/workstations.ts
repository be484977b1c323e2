/**
 * What crash and fault tests ask of a workstation: its instances as moto
 * holds them, found by the `prism:launch` tag, and a wait for a state read
 * from the API; and a socket client for a service in another process.
 */
import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { io as connect } from 'socket.io-client';
import type { Workstation } from '../../src/contract/api';
import type { PrismClientSocket } from './prism';

/** Not terminated: an instance that still counts as the launch's (and may cost). */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

/** The launch's instances in moto; `states` narrows them (default: the live ones). */
export async function instancesOfLaunch(ec2: EC2Client, launchId: string, states: string[] = LIVE_STATES): Promise<Instance[]> {
  const out = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:prism:launch', Values: [launchId] },
        { Name: 'instance-state-name', Values: states }
      ]
    })
  );
  return (out.Reservations ?? []).flatMap(r => r.Instances ?? []);
}

/** Reads the workstation until `done` holds, and returns it; past `timeoutMs` returns the last one read. */
export async function waitForWorkstation(
  get: () => Promise<Workstation>,
  done: (w: Workstation) => boolean,
  timeoutMs: number
): Promise<Workstation> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workstation = await get();
    if (done(workstation) || Date.now() > deadline) return workstation;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

export const isSettled = (w: Workstation): boolean => w.phase === 'ready' || w.phase === 'failed';

/**
 * A socket.io client of the service at `serviceUrl` (its base URL), connected.
 * `auth` is read at every (re)connection, as the extension's and the CLI's are;
 * `listen` hears every event from the first (the replay comes right after connecting).
 */
export async function connectSocket(
  serviceUrl: string,
  auth: () => object,
  options: { reconnection?: boolean; listen?: (event: string, payload: unknown) => void } = {}
): Promise<PrismClientSocket> {
  const url = new URL(serviceUrl);
  const socket: PrismClientSocket = connect(url.origin, {
    path: `${url.pathname}socket.io`,
    transports: ['websocket'],
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    auth: callback => callback(auth() as Record<string, unknown>)
  });
  if (options.listen) socket.onAny(options.listen);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}
