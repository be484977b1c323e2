/**
 * What one boot report means: while launching, it moves the bootstrap phase
 * (and ends it when ready or failed); once the launch settled, it only
 * updates the service ports, the log and the activity.
 */
import type { Activity } from './idle';
import { bootstrapFailed } from './launch-problems';
import type { BootReport, WorkstationRecord, WorkstationStore } from './ports';
import type { Timeline } from './timeline';

export interface BootReportDeps {
  store: WorkstationStore;
  timeline: Timeline;
  /** Hears the idle agent's reports of a ready workstation. */
  onActivity?: (id: string, activity: Activity) => void;
  /** Hears the agent's `mounts` and `sync` reports (domain/attachments.ts, domain/sync.ts). */
  onStorageReport?: (id: string, report: BootReport) => void;
}

export type ReadyServices = { name: string; port: number }[];

/** During a launch: returns the services once ready; throws on a failed report. */
export function applyBootReport(deps: BootReportDeps, id: string, report: BootReport): ReadyServices | null {
  const { timeline } = deps;
  switch (report.type) {
    case 'log':
      timeline.log(id, report.line ?? report.message ?? '');
      return null;
    case 'step': {
      const index = report.index ?? 1;
      const total = report.total ?? 1;
      const label = report.message ?? report.step ?? 'step';
      timeline.progress(id, 'bootstrap', `${label} (${index}/${total})`, (index - 1) / total);
      return null;
    }
    case 'ready': {
      const services = report.services ?? [];
      storeServicePorts(deps.store, id, services);
      return services;
    }
    case 'activity':
    case 'mounts':
    case 'sync':
      // The agent starts after ready; a report overtaking the health check has nothing to tell the launch.
      return null;
    case 'failed':
      throw bootstrapFailed(report);
  }
}

/** After the launch settled: a late ready, the log, and the agent's activity and storage work. */
export function applyAfterLaunch(deps: BootReportDeps, record: WorkstationRecord, report: BootReport): void {
  if (report.type === 'ready') {
    storeServicePorts(deps.store, record.id, report.services ?? []);
  } else if (report.type === 'log' && report.line) {
    deps.timeline.log(record.id, report.line);
  } else if (report.type === 'activity' && report.activity) {
    deps.onActivity?.(record.id, report.activity);
  } else if (report.type === 'mounts' || report.type === 'sync') {
    report.line?.split('\n').forEach(line => deps.timeline.log(record.id, line));
    deps.onStorageReport?.(record.id, report);
  }
}

function storeServicePorts(store: WorkstationStore, id: string, services: ReadyServices): void {
  store.update(id, { servicePorts: Object.fromEntries(services.map(s => [s.name, s.port])) });
}
