/**
 * The soak (issue 7, "Tests"): 20 researchers launch 200 workstations while
 * the fault proxy between the service and moto throttles, fails, slows and
 * drops AWS answers. Only what must always hold is asserted here; how long it
 * took and how often AWS failed are bench/soak.ts's numbers
 * (bench/results/soak.json).
 */
import path from 'node:path';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startMoto, type Moto } from './support/moto';
import { startPrism, writeUsersFile, type TestPrism } from './support/prism';
import { runSoak, SOAK_SERVICE_ENV, STAND_IN_JUPYTER_DIR, type SoakOutcome } from './support/soak';

const USERS = Array.from({ length: 20 }, (_, i) => ({ user: `soak-researcher-${i + 1}`, token: `soak-researcher-token-${i + 1}` }));
const LAUNCHES = 200;

let moto: Moto;
let prism: TestPrism | undefined;
let proxy: FaultProxy;
let outcome: SoakOutcome;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy({ upstream: moto.endpoint, seed: 7 });
  prism = await startPrism(
    {
      PRISM_AWS_ENDPOINT: proxy.url,
      PRISM_USERS_FILE: writeUsersFile(USERS),
      ...SOAK_SERVICE_ENV
    },
    { moto }
  );
  // Emulated workstations run the stand-in Jupyter: 200 real ones do not fit on the machine.
  process.env.PATH = `${STAND_IN_JUPYTER_DIR}${path.delimiter}${process.env.PATH}`;
  outcome = await runSoak(
    { url: prism.service.url, serviceToken: prism.service.token, users: USERS, proxy, motoEndpoint: moto.endpoint },
    // Patience for a machine shared with other suites; a launch still going after that counts as stuck.
    { launches: LAUNCHES, inFlightPerUser: 4, settleTimeoutMs: 240_000 }
  );
}, 420_000);

afterAll(async () => {
  // The service stops its moto; without a service, moto is stopped here.
  await (prism ? prism.stop() : moto?.stop());
  await proxy?.close();
});

it('takes every launch of every user, with faults really injected on the way', () => {
  expect(outcome.refusedPosts).toEqual([]);
  expect(outcome.launches).toHaveLength(LAUNCHES);
  expect(new Set(outcome.launches.map(l => l.user)).size).toBe(USERS.length);
  expect(outcome.faults).toEqual({ dropAfterEffect: expect.any(Number), error5xx: expect.any(Number), throttle: expect.any(Number), delay: expect.any(Number) });
  expect(Math.min(...Object.values(outcome.faults))).toBeGreaterThan(0);
});

it('ends every launch ready or failed with a reason, as its socket heard and REST says', () => {
  const unsettled = outcome.launches.filter(l => l.heard === null || l.workstation.phase !== l.heard);
  expect(unsettled.map(l => `${l.id} heard ${l.heard}, phase ${l.workstation.phase}`)).toEqual([]);
  for (const launch of outcome.launches.filter(l => l.heard === 'ready')) {
    expect(launch.workstation).toMatchObject({ state: 'running', error: null });
  }
  for (const launch of outcome.launches.filter(l => l.heard === 'failed')) {
    expect(launch.workstation.state).toBe('failed');
    expect(launch.workstation.error).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[A-Z_]+$/), hint: expect.stringMatching(/\S/) }));
  }
});

it('leaves exactly one instance in moto for each ready launch, and none running for a failed one', () => {
  for (const launch of outcome.launches.filter(l => l.heard === 'ready')) {
    expect({ id: launch.id, instances: launch.instances }).toEqual({ id: launch.id, instances: [{ instanceId: launch.workstation.instanceId, state: 'running' }] });
  }
  for (const launch of outcome.launches.filter(l => l.heard === 'failed')) {
    const left = launch.instances.filter(i => i.state !== 'terminated' && i.state !== 'shutting-down');
    expect({ id: launch.id, error: launch.workstation.error?.detail, left }).toEqual({ id: launch.id, error: launch.workstation.error?.detail, left: [] });
  }
});

it('delivers every kept event to its owner’s socket once, in order, with no gap in the history', () => {
  const { events } = outcome;
  expect(events.stored).toBeGreaterThan(LAUNCHES * 5);
  expect({ lost: events.lost, duplicated: events.duplicated, unexpected: events.unexpected, outOfOrder: events.outOfOrder, seqGaps: events.seqGaps }).toEqual({
    lost: [],
    duplicated: [],
    unexpected: [],
    outOfOrder: [],
    seqGaps: []
  });
  expect(events.delivered).toBe(events.stored);
});
