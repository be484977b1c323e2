/**
 * On start-up, the records are brought in line with what the cloud says,
 * found by the `prism:launch` tag: a workstation stopped or terminated while
 * the service was down shows as such. Instances carrying the tag that no
 * record knows are orphans (see orphans.ts): counted here, listed by GET /orphans.
 */
import type { WorkstationState } from '../contract/events';
import type { Cloud, CloudInstance, CloudInstanceState, DomainLogger, WorkstationStore } from './ports';
import type { Timeline } from './timeline';
import { isSettled } from './workstation-state';

export const FROM_CLOUD: Record<CloudInstanceState, WorkstationState> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminated',
  terminated: 'terminated'
};

export async function reconcileWithCloud(
  store: WorkstationStore,
  cloud: Cloud,
  timeline: Timeline,
  logger: DomainLogger
): Promise<number> {
  const found = await cloud.findInstances();
  const instances = new Map(found.map(i => [i.launchId, i]));
  let changed = 0;
  for (const record of store.listAll()) {
    if (record.state === 'terminated' || record.state === 'failed' || !isSettled(record) || !record.instanceId) {
      continue;
    }
    const instance = instances.get(record.id);
    const state: WorkstationState = instance ? FROM_CLOUD[instance.state] : 'terminated';
    const seen = record.state === 'hibernated' && state === 'stopped' ? 'hibernated' : state;
    if (seen !== record.state) {
      timeline.state(record.id, seen);
      logger.info({ workstation: record.id, was: record.state, now: seen }, 'reconciled with the cloud');
      changed++;
    }
  }
  const orphans = orphansAmong(found, store);
  if (orphans.length) {
    logger.warn({ orphans: orphans.map(i => i.instanceId) }, 'instances with no record: an admin can adopt or terminate them (GET /orphans)');
  }
  return changed;
}

/** Live instances carrying `prism:launch` whose workstation id no record has. */
export function orphansAmong(instances: CloudInstance[], store: Pick<WorkstationStore, 'get'>): CloudInstance[] {
  return instances.filter(i => i.launchId && i.state !== 'shutting-down' && i.state !== 'terminated' && !store.get(i.launchId));
}
