/**
 * On start-up, the records are brought in line with what the cloud says,
 * found by the `prism:launch` tag: a workstation stopped or terminated while
 * the service was down shows as such.
 */
import type { WorkstationState } from '../contract/events';
import type { Cloud, CloudInstanceState, DomainLogger, WorkstationStore } from './ports';
import type { Timeline } from './timeline';
import { isSettled } from './workstation-state';

const FROM_CLOUD: Record<CloudInstanceState, WorkstationState> = {
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
  const instances = new Map((await cloud.findInstances()).map(i => [i.launchId, i]));
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
  return changed;
}
