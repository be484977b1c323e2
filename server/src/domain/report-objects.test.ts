import type { Activity } from './idle';
import type { BootReport, BootReportInbox } from './ports';
import { bootedReports, OWNER, request, startDomain, stopDomains, until } from './testing/harness';

afterEach(stopDomains);

/** The S3 report bucket as the service sees it: objects per launch, in seq order. */
class BucketOfReports implements BootReportInbox {
  readonly objects = new Map<string, (BootReport & { token: string })[]>();

  put(id: string, token: string, reports: BootReport[]): void {
    this.objects.set(id, [...(this.objects.get(id) ?? []), ...reports.map(r => ({ ...r, token }))]);
  }

  async fetch(launchId: string, afterSeq: number): Promise<(BootReport & { token: string })[]> {
    return (this.objects.get(launchId) ?? []).filter(r => r.seq > afterSeq);
  }
}

const quiet: Activity = {
  busyKernels: 0,
  kernels: 1,
  terminals: 0,
  sshSessions: 0,
  cpuPercent: 1,
  loadAverage: 0.01,
  runningJobs: 0
};

describe('reports written as S3 objects', () => {
  it('bring a workstation to ready, and its later activity reaches the idle rules', async () => {
    const bucket = new BucketOfReports();
    const seen: [string, Activity][] = [];
    const domain = startDomain({
      inbox: bucket,
      onActivity: (id, activity) => seen.push([id, activity]),
      settings: { reportUrl: () => null }
    });
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const token = () => domain.store.get(id)!.bootToken;
    await until(domain, id, r => r.phase === 'bootstrap');
    bucket.put(id, token(), bootedReports());
    await until(domain, id, r => r.phase === 'ready');

    bucket.put(id, token(), [{ seq: 5, type: 'activity', activity: quiet }]);
    await domain.runner.collectRunningReportObjects();
    expect(seen).toEqual([[id, quiet]]);

    await domain.runner.collectRunningReportObjects();
    expect(seen).toHaveLength(1);
  });

  it('are not collected when workstations phone home', async () => {
    const bucket = new BucketOfReports();
    const seen: string[] = [];
    const domain = startDomain({ inbox: bucket, onActivity: id => seen.push(id) });
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    bucket.put(id, 'whatever', [{ seq: 99, type: 'activity', activity: quiet }]);
    await domain.runner.collectRunningReportObjects();
    expect(seen).toEqual([]);
  });
});
