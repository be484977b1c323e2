/**
 * The soak (issue 7, "Tests"): researchers launch many workstations at once
 * while AWS misbehaves, on loopback only, bounded in count and time. Used by
 * server/test/soak.test.ts (which asserts only what must always hold) and by
 * bench/soak.ts (which reports the numbers); both start moto, the fault proxy
 * between the service and moto, and the service their own way, then hand
 * them here as a `SoakTarget`.
 *
 * Each user has one real socket.io client, connected before anything starts,
 * and launches its share of workstations, a few at a time, each waited for
 * until its socket says `ready` or `failed`. Then the outcome is read back
 * from the places a person would look: REST (the workstation, its history),
 * moto itself (the instances tagged with each launch, asked directly, not
 * through the proxy), and what every socket heard.
 *
 * What the soak measures is the service under faults, not the rate limiter:
 * the service runs with the limiter in its path but limits the soak never
 * reaches (SOAK_LIMITS); abuse.test.ts checks the limits themselves.
 */
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import type { Workstation } from '../../src/contract/api';
import type { ClientToServerEvents, ServerToClientEvents, WorkstationEvent } from '../../src/contract/events';
import type { CallRecord, FaultProxy, FaultRule } from './fault-proxy';

export interface SoakTarget {
  /** The service's base URL, ending in `/`. */
  url: string;
  /** A token /metrics accepts (the service token). */
  serviceToken: string;
  users: { user: string; token: string }[];
  proxy: FaultProxy;
  /** moto itself, for the check (never through the proxy). */
  motoEndpoint: string;
}

export interface SoakPlan {
  launches: number;
  /** Each user's launches in flight at once. */
  inFlightPerUser: number;
  /** A launch not ended by then counts as stuck. */
  settleTimeoutMs: number;
}

/** A `jupyter` that only answers HTTP (bench/fleet/jupyter): first on PATH, emulated workstations run it. */
export const STAND_IN_JUPYTER_DIR = path.resolve(__dirname, '..', '..', '..', 'bench', 'fleet');

/** Limits far above the soak's load, so that the limiter stays in the path without refusing it. */
export const SOAK_LIMITS: Record<string, string> = {
  PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: '600000',
  PRISM_RATE_LIMIT_BURST: '100000',
  PRISM_RATE_LIMIT_GLOBAL_PER_MINUTE: '6000000',
  PRISM_RATE_LIMIT_GLOBAL_BURST: '1000000',
  PRISM_RATE_LIMIT_LAUNCHES_PER_MINUTE: '100000',
  PRISM_RATE_LIMIT_GLOBAL_LAUNCHES_PER_MINUTE: '1000000'
};

/** What the soak's service runs with, in the test and the bench alike. */
export const SOAK_SERVICE_ENV: Record<string, string> = {
  ...SOAK_LIMITS,
  // A slowed answer is cut and tried again well before a launch's own patience runs out.
  PRISM_AWS_REQUEST_TIMEOUT_SECONDS: '10'
};

/**
 * Every call but the boot emulator's DescribeInstanceAttribute: it stands in for
 * the instance metadata service a real machine reads its user data from, which
 * the faults of the EC2 API do not reach.
 */
const SERVICE_CALLS = /^(?!DescribeInstanceAttribute$)/;

/**
 * Faults on every AWS call of a launch, drawn from the proxy's seeded RNG
 * (the first rule that matches and fires wins). RunInstances fails often
 * enough that some launches use up every try and fail (about 0.5^5: 3 %),
 * and sometimes takes effect with its answer lost, so the look by tag
 * before the next try must find the instance.
 */
export const SOAK_FAULTS: FaultRule[] = [
  { service: 'ec2', action: 'RunInstances', probability: 0.1, fault: { kind: 'dropAfterEffect' } },
  { service: 'ec2', action: 'RunInstances', probability: 0.3, fault: { kind: 'error5xx' } },
  { service: /^(ec2|iam|ssm|sts)$/, action: SERVICE_CALLS, probability: 0.05, fault: { kind: 'throttle' } },
  { service: /^(ec2|iam|ssm|sts)$/, action: SERVICE_CALLS, probability: 0.03, fault: { kind: 'error5xx', status: 503 } },
  { service: /^(ec2|iam|ssm|sts)$/, action: SERVICE_CALLS, probability: 0.03, fault: { kind: 'delay', ms: 300 } }
];

/** One launch as the soak saw it. */
export interface SoakLaunch {
  user: string;
  id: string;
  /** The end its user's socket heard, and what REST says at the end. */
  heard: 'ready' | 'failed' | null;
  workstation: Workstation;
  /** performance.now() ms from POST to the socket's `ready` or `failed`. */
  settleMs: number | null;
  /** Every instance moto holds with the launch's tag, any state. */
  instances: { instanceId: string; state: string }[];
}

export interface SoakOutcome {
  launches: SoakLaunch[];
  /** POSTs answered with anything but 202, as `status code`. */
  refusedPosts: string[];
  durationMs: number;
  faults: Record<string, number>;
  /** Tries the proxy saw beyond the AWS operations the service made (its prism_cloud_calls_total). */
  retries: number;
  tries: number;
  events: SoakEvents;
}

export interface SoakEvents {
  /** Events kept in the store for the soak's workstations (their histories over REST). */
  stored: number;
  /** Of those, the ones their owner's socket delivered. */
  delivered: number;
  /** Kept but never delivered to their owner's socket. */
  lost: { user: string; seq: number }[];
  /** Delivered more than once to the same socket. */
  duplicated: { user: string; seq: number }[];
  /** Delivered to a socket whose user does not own the workstation, or not kept. */
  unexpected: { user: string; seq: number }[];
  /** A socket heard a lower seq after a higher one. */
  outOfOrder: { user: string; seq: number }[];
  /** Numbers missing between the lowest and highest seq of the soak's histories. */
  seqGaps: number[];
}

type SoakSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Listener {
  user: string;
  socket: SoakSocket;
  /** Every seq heard, in arrival order. */
  heard: number[];
  ends: Map<string, { phase: 'ready' | 'failed'; at: number }>;
  lastHeardAt: number;
}

export async function runSoak(target: SoakTarget, plan: SoakPlan): Promise<SoakOutcome> {
  const listeners = await Promise.all(target.users.map(u => listen(target.url, u.user, u.token)));
  try {
    const callsBefore = await cloudOperations(target);
    target.proxy.resetCalls();
    const rules = SOAK_FAULTS.map(rule => target.proxy.addRule(rule));
    const started = performance.now();
    const refusedPosts: string[] = [];
    const perUser = Math.ceil(plan.launches / target.users.length);
    const launched = await Promise.all(
      target.users.map((u, i) =>
        launchShare(target.url, u, listeners[i], Math.min(perUser, plan.launches - i * perUser), plan, refusedPosts)
      )
    );
    const durationMs = performance.now() - started;
    rules.forEach(rule => rule.remove());
    const calls = target.proxy.calls();
    const retries = calls.length - ((await cloudOperations(target)) - callsBefore);
    // A failed launch's clean-up still reports after its end: read back once every socket is quiet.
    await quiet(listeners, QUIET_MS, QUIET_WAIT_MS);
    const launches = await readBack(target, launched.flat(), listeners);
    return {
      launches,
      refusedPosts,
      durationMs,
      faults: countFaults(calls),
      retries,
      tries: calls.length,
      events: await checkEvents(target, launches, listeners)
    };
  } finally {
    listeners.forEach(l => l.socket.disconnect());
  }
}

const QUIET_MS = 1000;
const QUIET_WAIT_MS = 15_000;

async function quiet(listeners: Listener[], forMs: number, atMostMs: number): Promise<void> {
  const deadline = performance.now() + atMostMs;
  while (performance.now() < deadline && listeners.some(l => performance.now() - l.lastHeardAt < forMs)) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function listen(url: string, user: string, token: string): Promise<Listener> {
  const base = new URL(url);
  const socket: SoakSocket = connect(base.origin, { path: `${base.pathname}socket.io`, transports: ['websocket'], reconnection: false, auth: { token } });
  const listener: Listener = { user, socket, heard: [], ends: new Map(), lastHeardAt: performance.now() };
  socket.onAny((name: string, payload?: { seq?: unknown }) => {
    listener.lastHeardAt = performance.now();
    // events:caught-up carries a seq too, the history's end, not an event of its own.
    if (name.startsWith('instance:') && typeof payload?.seq === 'number') listener.heard.push(payload.seq);
  });
  socket.on('instance:progress', event => {
    if ((event.phase === 'ready' || event.phase === 'failed') && !listener.ends.has(event.id)) {
      listener.ends.set(event.id, { phase: event.phase, at: performance.now() });
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return listener;
}

interface Posted {
  user: string;
  token: string;
  id: string;
  sentAt: number;
}

/** One user's launches, `inFlightPerUser` at a time, each waited for until its socket hears its end (or the timeout). */
async function launchShare(
  url: string,
  user: { user: string; token: string },
  listener: Listener,
  count: number,
  plan: SoakPlan,
  refusedPosts: string[]
): Promise<Posted[]> {
  const posted: Posted[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let n = next++; n < count; n = next++) {
      const sentAt = performance.now();
      const response = await fetch(`${url}api/v1/instances`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `soak-${n + 1}`, template: 'amazon-linux', arch: n % 2 ? 'x86_64' : 'arm64' })
      });
      if (response.status !== 202) {
        refusedPosts.push(`${response.status} ${((await response.json()) as { code?: string }).code ?? ''}`);
        continue;
      }
      const { id } = (await response.json()) as { id: string };
      posted.push({ user: user.user, token: user.token, id, sentAt });
      await ended(listener, id, sentAt + plan.settleTimeoutMs);
    }
  };
  await Promise.all(Array.from({ length: plan.inFlightPerUser }, lane));
  return posted;
}

async function ended(listener: Listener, id: string, deadline: number): Promise<void> {
  while (!listener.ends.has(id) && performance.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function readBack(target: SoakTarget, posted: Posted[], listeners: Listener[]): Promise<SoakLaunch[]> {
  const ec2 = new EC2Client({ endpoint: target.motoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    const tagged = await instancesByLaunch(ec2);
    const launches: SoakLaunch[] = [];
    for (const p of posted) {
      const response = await fetch(`${target.url}api/v1/instances/${p.id}`, { headers: { Authorization: `Bearer ${p.token}` } });
      const end = listeners.find(l => l.user === p.user)?.ends.get(p.id);
      launches.push({
        user: p.user,
        id: p.id,
        heard: end?.phase ?? null,
        workstation: (await response.json()) as Workstation,
        settleMs: end ? end.at - p.sentAt : null,
        instances: (tagged.get(p.id) ?? []).map(i => ({ instanceId: i.InstanceId ?? '', state: i.State?.Name ?? '' }))
      });
    }
    return launches;
  } finally {
    ec2.destroy();
  }
}

/** Every instance moto holds, by its `prism:launch` tag. */
async function instancesByLaunch(ec2: EC2Client): Promise<Map<string, Instance[]>> {
  const byLaunch = new Map<string, Instance[]>();
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['prism:launch'] }], NextToken: token }));
    for (const instance of (page.Reservations ?? []).flatMap(r => r.Instances ?? [])) {
      const id = instance.Tags?.find(t => t.Key === 'prism:launch')?.Value;
      if (id) byLaunch.set(id, [...(byLaunch.get(id) ?? []), instance]);
    }
    token = page.NextToken;
  } while (token);
  return byLaunch;
}

/** Each user's socket against the histories of that user's workstations (REST), by seq. */
async function checkEvents(target: SoakTarget, launches: SoakLaunch[], listeners: Listener[]): Promise<SoakEvents> {
  const result: SoakEvents = { stored: 0, delivered: 0, lost: [], duplicated: [], unexpected: [], outOfOrder: [], seqGaps: [] };
  const all: number[] = [];
  for (const listener of listeners) {
    const token = target.users.find(u => u.user === listener.user)?.token ?? '';
    const stored = new Set<number>();
    for (const launch of launches.filter(l => l.user === listener.user)) {
      const response = await fetch(`${target.url}api/v1/instances/${launch.id}/events`, { headers: { Authorization: `Bearer ${token}` } });
      for (const event of (await response.json()) as WorkstationEvent[]) stored.add(event.seq as number);
    }
    all.push(...stored);
    const seen = new Set<number>();
    let highest = -1;
    for (const seq of listener.heard) {
      if (seen.has(seq)) result.duplicated.push({ user: listener.user, seq });
      else if (!stored.has(seq)) result.unexpected.push({ user: listener.user, seq });
      if (seq < highest) result.outOfOrder.push({ user: listener.user, seq });
      highest = Math.max(highest, seq);
      seen.add(seq);
    }
    result.stored += stored.size;
    for (const seq of stored) {
      if (seen.has(seq)) result.delivered += 1;
      else result.lost.push({ user: listener.user, seq });
    }
  }
  const kept = new Set(all);
  for (let seq = Math.min(...all); seq <= Math.max(...all); seq++) {
    if (!kept.has(seq)) result.seqGaps.push(seq);
  }
  return result;
}

/** The AWS operations the service made so far (its Prometheus counter; each counts once, whatever its tries). */
async function cloudOperations(target: SoakTarget): Promise<number> {
  const response = await fetch(`${target.url}metrics`, { headers: { Authorization: `Bearer ${target.serviceToken}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return (await response.text())
    .split('\n')
    .filter(line => line.startsWith('prism_cloud_calls_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

function countFaults(calls: CallRecord[]): Record<string, number> {
  const faults: Record<string, number> = {};
  for (const call of calls) {
    if (call.fault) faults[call.fault] = (faults[call.fault] ?? 0) + 1;
  }
  return faults;
}
