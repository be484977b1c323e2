/**
 * The last step of a launch: each service the template declares answers its
 * health path, probed with backoff until the health timeout.
 */
import { healthCheckFailed } from './launch-problems';
import type { HealthProbe, WorkstationRecord } from './ports';
import type { Template } from './template';
import type { Timeline } from './timeline';

export interface HealthCheckDeps {
  timeline: Timeline;
  probe: HealthProbe;
  timeoutSeconds: number;
  /** Throws once the launch is cancelled; called between probes. */
  assertLive: () => void;
}

/** `services` are the ports the ready report gave; a declared service it left out is probed on its template port. */
export async function checkDeclaredServices(
  deps: HealthCheckDeps,
  record: WorkstationRecord,
  template: Template,
  services: { name: string; port: number }[]
): Promise<void> {
  const { timeline, probe } = deps;
  const id = record.id;
  timeline.progress(id, 'health-check', `Checking ${services.map(s => s.name).join(', ') || 'services'}…`);
  const deadline = Date.now() + deps.timeoutSeconds * 1000;
  for (const declared of template.services) {
    const port = services.find(s => s.name === declared.name)?.port ?? declared.port;
    const url = `http://${record.address ?? '127.0.0.1'}:${port}${declared.healthPath}`;
    let wait = 250;
    while (!(await probe.check(url))) {
      deps.assertLive();
      if (Date.now() + wait > deadline) {
        throw healthCheckFailed(declared.name, port, declared.healthPath);
      }
      await new Promise(resolve => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 5000);
    }
    timeline.log(id, `health check passed: ${declared.name} answers ${declared.healthPath} on port ${port}`);
  }
}
