/**
 * A socket client that loses its connection mid-launch says, when it comes
 * back, the last event it saw (`auth.since`); the service sends everything it
 * missed, in order, then the live events. Real socket.io clients, a real
 * launch against moto: the client ends with the launch's history exactly,
 * no gap and no event twice. Another user's events are never replayed.
 */
import type { CaughtUpEvent, WorkstationEvent } from '../src/contract/events';
import { EventCursor } from '../src/contract/events';
import { startPrism, writeUsersFile, type PrismClientSocket, type TestPrism } from './support/prism';
import { connectSocket } from './support/workstations';

const ADA = { user: 'ada', token: 'ada-replay-token' };
const BOB = { user: 'bob', token: 'bob-replay-token' };
const TIMEOUT_MS = 120_000;

let prism: TestPrism;
const sockets: PrismClientSocket[] = [];

beforeAll(async () => {
  prism = await startPrism({ PRISM_USERS_FILE: writeUsersFile([ADA, BOB]) });
}, 60_000);

afterAll(async () => {
  sockets.forEach(s => s.disconnect());
  await prism?.stop();
});

/** A client as the extension and the CLI are: a cursor across reconnections; what it heard, in order. */
async function client(token: string) {
  const cursor = new EventCursor();
  const heard: { name: string; payload: WorkstationEvent }[] = [];
  const caughtUp: CaughtUpEvent[] = [];
  const socket = await connectSocket(prism.service.url, () => cursor.auth({ token }), {
    listen: (name, payload) => {
      cursor.hear(name, payload);
      if (name === 'events:caught-up') caughtUp.push(payload as CaughtUpEvent);
      else if (name.startsWith('instance:')) heard.push({ name, payload: payload as WorkstationEvent });
    }
  });
  sockets.push(socket);
  return { socket, heard, caughtUp };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

const history = async (id: string): Promise<WorkstationEvent[]> =>
  (await (await prism.api(`/instances/${id}/events`, { token: ADA.token })).json()) as WorkstationEvent[];

it('replays what a client missed while disconnected mid-launch, once each and in order', async () => {
  const ada = await client(ADA.token);
  const bob = await client(BOB.token);
  const res = await prism.api('/instances', {
    token: ADA.token,
    method: 'POST',
    body: JSON.stringify({ name: 'replayed', template: 'amazon-linux', arch: 'arm64' })
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const of = (events: { payload: WorkstationEvent }[]) => events.map(e => e.payload).filter(e => e.id === id);

  await until(() => of(ada.heard).some(e => e.kind === 'progress' && e.phase === 'resolve-image'), 'resolve-image');
  ada.socket.disconnect();
  const heardBefore = of(ada.heard).length;
  // The launch goes on while the client is away.
  await until(async () => (await history(id)).length >= heardBefore + 5, 'events while disconnected');
  ada.socket.connect();
  await until(() => of(ada.heard).some(e => e.kind === 'progress' && (e.phase === 'ready' || e.phase === 'failed')), 'the end of the launch');

  const heard = of(ada.heard);
  const readySeq = heard[heard.length - 1].seq as number;
  const kept = (await history(id)).filter(e => (e.seq as number) <= readySeq);
  expect(heard.map(e => e.seq)).toEqual(kept.map(e => e.seq));
  expect(heard).toEqual(kept);
  expect(heard[heard.length - 1]).toMatchObject({ kind: 'progress', phase: 'ready' });
  // The second connection replayed what the first missed; nothing was replayed to the first.
  expect(ada.caughtUp).toHaveLength(2);
  expect(ada.caughtUp[0]).toMatchObject({ replayed: 0, complete: true });
  expect(ada.caughtUp[1].replayed).toBeGreaterThanOrEqual(5);
  expect(ada.caughtUp[1].complete).toBe(true);

  // Bob was connected all along and saw none of it.
  expect(of(bob.heard)).toEqual([]);
  await prism.api(`/instances/${id}`, { token: ADA.token, method: 'DELETE' });
});

it('never replays another user’s events, however far back a client asks', async () => {
  const own = (await history((await listOf(ADA.token))[0])).length;
  expect(own).toBeGreaterThan(0);
  const heard: string[] = [];
  const caughtUp: CaughtUpEvent[] = [];
  const socket = await connectSocket(prism.service.url, () => ({ token: BOB.token, since: 0 }), {
    listen: (name, payload) => {
      if (name === 'events:caught-up') caughtUp.push(payload as CaughtUpEvent);
      else heard.push(name);
    }
  });
  sockets.push(socket);
  await until(() => caughtUp.length === 1, 'caught-up');
  expect(caughtUp[0]).toMatchObject({ replayed: 0, complete: true });
  expect(caughtUp[0].seq).toBeGreaterThanOrEqual(own);
  expect(heard).toEqual([]);

  // Ada, asking from the start, gets her own history back.
  const replayed: WorkstationEvent[] = [];
  let done = false;
  const adaSocket = await connectSocket(prism.service.url, () => ({ token: ADA.token, since: 0 }), {
    listen: (name, payload) => {
      if (name === 'events:caught-up') done = true;
      else replayed.push(payload as WorkstationEvent);
    }
  });
  sockets.push(adaSocket);
  await until(() => done, 'ada caught up');
  expect(replayed.length).toBe(own);
});

async function listOf(token: string): Promise<string[]> {
  const list = (await (await prism.api('/instances', { token })).json()) as { id: string }[];
  return list.map(w => w.id);
}
