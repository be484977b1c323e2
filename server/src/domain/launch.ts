/**
 * The launch path of DESIGN: the record is durable before any cloud call;
 * independent preparations run in parallel while phases are reported in
 * order; the image and the instance type must share the arch before any
 * instance exists; RunInstances is idempotent on the workstation id; the
 * bootstrap reports drive progress until the services answer.
 */
import crypto from 'node:crypto';
import type { Problem } from '../contract/events';
import { normalPrefix, renderBootstrap } from './bootstrap';
import { BootWatch } from './boot-watch';
import type { Activity } from './idle';
import { PermissionDeniedError, PrismError } from './errors';
import { hibernationRootVolumeGiB, hibernationSupport } from './hibernation';
import type {
  BootReport,
  BootReportInbox,
  Cloud,
  CloudInstance,
  DomainLogger,
  HealthProbe,
  TemplateCatalog,
  WorkstationNetwork,
  WorkstationRecord,
  WorkstationStore
} from './ports';
import type { Template } from './template';
import type { Timeline } from './timeline';
import { isSettled } from './workstation-state';

export interface LaunchSettings {
  region: string;
  /** Where instances phone home; null: they write S3 report objects. Read at each launch. */
  reportUrl: () => string | null;
  /** The bucket for report objects, made if need be; asked only when `reportUrl()` is null. */
  reportBucket: () => Promise<string>;
  bootTimeoutSeconds: number;
  healthTimeoutSeconds: number;
  reportPollSeconds: number;
}

export interface LaunchDeps {
  store: WorkstationStore;
  cloud: Cloud;
  catalog: TemplateCatalog;
  timeline: Timeline;
  network: WorkstationNetwork;
  probe: HealthProbe;
  inbox: BootReportInbox | null;
  logger: DomainLogger;
  settings: LaunchSettings;
  /** Hears the idle agent's reports of a ready workstation. */
  onActivity?: (id: string, activity: Activity) => void;
}

class LaunchCancelled extends Error {}

interface PreparedStorage {
  report: { url: string | null; bucket: string | null };
  /** Only when the workstation has S3 datasets or writes report objects. */
  instanceProfile?: string;
}

export class LaunchRunner {
  private readonly watches = new Map<string, BootWatch>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly cancelled = new Set<string>();

  constructor(private readonly deps: LaunchDeps) {}

  /** Drive a recorded launch to ready or failed, in the background. */
  start(id: string): void {
    if (this.running.has(id)) {
      return;
    }
    const run = this.drive(id).finally(() => {
      this.running.delete(id);
      this.watches.get(id)?.close();
      this.watches.delete(id);
      this.cancelled.delete(id);
    });
    this.running.set(id, run);
  }

  /** After a crash or restart: pick up every launch that had not settled. */
  resumeUnfinished(): number {
    const unfinished = this.deps.store.listUnfinished();
    unfinished.forEach(record => this.start(record.id));
    return unfinished.length;
  }

  /** Stop driving a launch (the workstation is being terminated). */
  cancel(id: string): void {
    if (this.running.has(id)) {
      this.cancelled.add(id);
      this.watches.get(id)?.close();
    }
  }

  isLaunching(id: string): boolean {
    return this.running.has(id);
  }

  /**
   * The role goes with its workstation; one already gone is fine. The instance
   * is gone by then, so a role left behind is logged rather than failing the terminate.
   */
  async removeRole(id: string): Promise<void> {
    try {
      await this.deps.cloud.removeWorkstationRole(id);
    } catch (error) {
      this.deps.logger.error({ workstation: id, err: error }, 'could not remove the workstation role');
    }
  }

  /** Wait for in-flight launches (they resume on the next start if cut short). */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.race([
      Promise.allSettled([...this.running.values()]),
      new Promise(resolve => setTimeout(resolve, timeoutMs).unref())
    ]);
  }

  /**
   * Reports from a booting workstation (HTTP phone-home or S3 report object).
   * Returns how many were new; refuses a wrong token.
   */
  acceptBootReports(id: string, token: string, reports: BootReport[]): number {
    const record = this.deps.store.get(id);
    if (!record || !sameSecret(record.bootToken, token)) {
      throw new PrismError(
        'BOOT_REPORT_REFUSED',
        401,
        'Boot report refused',
        'The report is not signed with this launch’s token.',
        'Only the workstation launched with this token can report; relaunch it if its user data was replaced.'
      );
    }
    const fresh = reports
      .filter(r => r.seq > record.lastReportSeq)
      .sort((a, b) => a.seq - b.seq)
      .filter((r, i, sorted) => i === 0 || sorted[i - 1].seq !== r.seq);
    if (fresh.length === 0) {
      return 0;
    }
    this.deps.store.update(id, { lastReportSeq: fresh[fresh.length - 1].seq });
    if (isSettled(record)) {
      fresh.forEach(report => this.applyAfterLaunch(record, report));
    } else {
      const watch = this.watchOf(id);
      fresh.forEach(report => watch.push(report));
    }
    return fresh.length;
  }

  private async drive(id: string): Promise<void> {
    try {
      let record = this.record(id);
      if (!record.instanceId) {
        record = await this.prepareAndRun(record);
      }
      await this.waitRunning(record);
      const services = await this.followBootstrap(id);
      await this.checkHealth(id, services);
      this.assertLive(id);
      this.deps.timeline.progress(id, 'ready', 'Your workstation is ready.');
      this.deps.logger.info({ workstation: id }, 'workstation ready');
    } catch (error) {
      if (error instanceof LaunchCancelled || this.cancelled.has(id)) {
        // The terminate removed the role already, unless the role was still in the making then.
        await this.removeRole(id);
        this.deps.logger.info({ workstation: id }, 'launch cancelled');
        return;
      }
      await this.fail(id, error);
    }
  }

  private async prepareAndRun(record: WorkstationRecord): Promise<WorkstationRecord> {
    const storage = this.prepareStorage(record);
    try {
      return await this.prepareAndRunWith(record, storage);
    } catch (error) {
      // The role may still be in the making: let it finish, so removing it after this failure finds it.
      await storage.catch(() => undefined);
      throw error;
    }
  }

  private async prepareAndRunWith(record: WorkstationRecord, storage: Promise<PreparedStorage>): Promise<WorkstationRecord> {
    const { cloud, timeline } = this.deps;
    const id = record.id;
    const template = this.template(record);
    const source = template.image[record.arch];

    timeline.progress(id, 'resolve-image', `Finding the ${record.arch} image for ${template.title}…`);
    const image = cloud.resolveImage(source, record.arch);
    const instanceType = cloud.describeInstanceType(record.instanceType);
    const network = Promise.all([cloud.ensureSecurityGroup(), cloud.ensureKeyPair(record.owner)]);
    // The calls overlap, but are awaited in phase order so the researcher sees phases in
    // order; handlers are attached now so a failure of one while awaiting another is not unhandled.
    void Promise.allSettled([image, instanceType, network, storage]);
    const [resolved, typeInfo] = await Promise.all([image, instanceType]);
    this.assertLive(id);
    if (resolved.arch !== record.arch || !typeInfo.arches.includes(record.arch)) {
      throw archMismatch(record, resolved.imageId, resolved.arch, typeInfo.arches);
    }
    timeline.log(id, `image ${resolved.imageId} (${resolved.name}, ${resolved.arch})`);
    const hibernation = hibernationSupport(record.instanceType, typeInfo.memoryGiB, resolved.name);
    const rootVolumeGiB = hibernation.supported
      ? hibernationRootVolumeGiB(template.rootVolumeGiB, typeInfo.memoryGiB)
      : template.rootVolumeGiB;
    timeline.log(
      id,
      hibernation.supported
        ? `hibernation enabled: ${rootVolumeGiB} GiB encrypted root volume holds ${typeInfo.memoryGiB} GiB of RAM`
        : `hibernation not available: ${hibernation.reason}`
    );
    timeline.progress(id, 'prepare-network', 'Preparing the security group and your SSH key…');
    const [securityGroupId, key] = await network;
    this.assertLive(id);
    timeline.progress(id, 'prepare-storage', describeStorage(record));
    const { report, instanceProfile } = await storage;
    this.assertLive(id);
    if (instanceProfile) {
      timeline.log(id, `instance profile ${instanceProfile}: ${describeAccess(record, report.bucket)}`);
    }

    timeline.progress(id, 'run-instance', `Starting a ${record.instanceType} (${record.arch})…`);
    const userData = renderBootstrap({
      launchId: id,
      template,
      arch: record.arch,
      region: this.deps.settings.region,
      report: { ...report, token: record.bootToken },
      jupyterToken: record.jupyterToken,
      datasets: s3Mounts(record),
      parameters: record.parameters
    });
    this.watchOf(id);
    const instance = await cloud.runInstance({
      launchId: id,
      imageId: resolved.imageId,
      instanceType: record.instanceType,
      securityGroupId,
      keyName: key.keyName,
      userData,
      rootVolumeGiB,
      tags: launchTags(record),
      ...(instanceProfile && { instanceProfile }),
      hibernation: hibernation.supported
    });
    const updated = this.deps.store.update(id, {
      instanceId: instance.instanceId,
      imageId: resolved.imageId,
      keyPath: key.privateKeyPath,
      keyName: key.keyName,
      rootVolumeGiB,
      hibernation: hibernation.supported,
      hibernationNote: hibernation.supported ? null : hibernation.reason
    });
    timeline.log(id, `instance ${instance.instanceId} requested`);
    if (this.cancelled.has(id)) {
      // Terminated while RunInstances was in flight: the terminate could not see this instance yet.
      try {
        await cloud.terminateInstance(instance.instanceId);
      } catch (error) {
        this.deps.logger.error({ workstation: id, err: error }, 'could not terminate the instance of a cancelled launch');
      }
      throw new LaunchCancelled();
    }
    return updated;
  }

  /**
   * The report channel, and the IAM role the workstation needs for its S3
   * datasets and its report objects. Without either it gets no role at all.
   */
  private async prepareStorage(record: WorkstationRecord): Promise<PreparedStorage> {
    const { cloud, settings } = this.deps;
    const url = settings.reportUrl();
    const report = { url, bucket: url ? null : await settings.reportBucket() };
    const datasets = s3Mounts(record).map(({ bucket, prefix, readOnly }) => ({ bucket, prefix: normalPrefix(prefix), readOnly }));
    if (datasets.length === 0 && !report.bucket) {
      return { report };
    }
    const instanceProfile = await cloud.ensureWorkstationRole({
      launchId: record.id,
      owner: record.owner,
      datasets,
      reportBucket: report.bucket
    });
    return { report, instanceProfile };
  }

  private async waitRunning(record: WorkstationRecord): Promise<void> {
    const { timeline, cloud, network } = this.deps;
    timeline.progress(record.id, 'wait-running', 'Waiting for the instance to be running…');
    const instance: CloudInstance = await cloud.waitUntilRunning(record.instanceId as string);
    this.assertLive(record.id);
    timeline.state(record.id, 'running', { address: network.addressOf(instance) });
  }

  private async followBootstrap(id: string): Promise<{ name: string; port: number }[]> {
    const { timeline, settings } = this.deps;
    timeline.progress(id, 'bootstrap', 'Installing the template’s software…', 0);
    const watch = this.watchOf(id);
    const poller = this.pollReportObjects(id);
    const deadline = Date.now() + settings.bootTimeoutSeconds * 1000;
    try {
      for (;;) {
        const report = await watch.next(Math.max(0, deadline - Date.now()));
        this.assertLive(id);
        if (!report) {
          throw new PrismError(
            'BOOT_TIMEOUT',
            504,
            'The workstation did not finish booting',
            `No ready report within ${settings.bootTimeoutSeconds} seconds.`,
            'Check that the instance can reach Prism (PRISM_REPORT_URL) or its S3 report bucket, then relaunch.'
          );
        }
        const done = this.applyBootReport(id, report);
        if (done) {
          return done;
        }
      }
    } finally {
      poller.stop();
    }
  }

  /** Returns the services once ready; throws on a failed report. */
  private applyBootReport(id: string, report: BootReport): { name: string; port: number }[] | null {
    const { timeline } = this.deps;
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
        this.deps.store.update(id, { servicePorts: Object.fromEntries(services.map(s => [s.name, s.port])) });
        return services;
      }
      case 'activity':
        // The agent starts after ready; a report overtaking the health check has nothing to tell the launch.
        return null;
      case 'failed':
        throw new PrismError(
          'BOOTSTRAP_FAILED',
          502,
          'The workstation’s setup failed',
          report.message ?? `The step '${report.step ?? 'unknown'}' failed.`,
          'Read the boot log above for the failing command; fix the template or pick another size, then relaunch.'
        );
    }
  }

  private applyAfterLaunch(record: WorkstationRecord, report: BootReport): void {
    if (report.type === 'ready') {
      const services = report.services ?? [];
      this.deps.store.update(record.id, { servicePorts: Object.fromEntries(services.map(s => [s.name, s.port])) });
    } else if (report.type === 'log' && report.line) {
      this.deps.timeline.log(record.id, report.line);
    } else if (report.type === 'activity' && report.activity) {
      this.deps.onActivity?.(record.id, report.activity);
    }
  }

  private async checkHealth(id: string, services: { name: string; port: number }[]): Promise<void> {
    const { timeline, probe, settings } = this.deps;
    const record = this.record(id);
    const template = this.template(record);
    timeline.progress(id, 'health-check', `Checking ${services.map(s => s.name).join(', ') || 'services'}…`);
    const deadline = Date.now() + settings.healthTimeoutSeconds * 1000;
    for (const declared of template.services) {
      const port = services.find(s => s.name === declared.name)?.port ?? declared.port;
      const url = `http://${record.address ?? '127.0.0.1'}:${port}${declared.healthPath}`;
      let wait = 250;
      while (!(await probe.check(url))) {
        this.assertLive(id);
        if (Date.now() + wait > deadline) {
          throw new PrismError(
            'HEALTH_CHECK_FAILED',
            504,
            `${declared.name} did not answer`,
            `${declared.name} on port ${port} did not answer ${declared.healthPath} in time.`,
            `The boot log shows how ${declared.name} started; check that the security group lets Prism reach port ${port}, then relaunch.`
          );
        }
        await new Promise(resolve => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, 5000);
      }
      timeline.log(id, `health check passed: ${declared.name} answers ${declared.healthPath} on port ${port}`);
    }
  }

  /** Without a phone-home URL, reports arrive as S3 objects: poll them while booting. */
  private pollReportObjects(id: string): { stop(): void } {
    if (!this.reportsComeAsObjects()) {
      return { stop: () => undefined };
    }
    let stopped = false;
    const tick = async (): Promise<void> => {
      while (!stopped) {
        await this.collectReportObjects(id);
        await new Promise(resolve => setTimeout(resolve, this.deps.settings.reportPollSeconds * 1000));
      }
    };
    void tick();
    return {
      stop: () => {
        stopped = true;
      }
    };
  }

  /**
   * After the launch, a running workstation's agent keeps reporting its
   * activity; over S3 nobody pushes those, so they are collected on a schedule.
   */
  async collectRunningReportObjects(): Promise<void> {
    if (!this.reportsComeAsObjects()) {
      return;
    }
    const running = this.deps.store.listAll().filter(r => r.state === 'running' && r.phase === 'ready');
    for (const record of running) {
      await this.collectReportObjects(record.id);
    }
  }

  private reportsComeAsObjects(): boolean {
    return this.deps.inbox !== null && !this.deps.settings.reportUrl();
  }

  private async collectReportObjects(id: string): Promise<void> {
    const inbox = this.deps.inbox as BootReportInbox;
    try {
      const reports = await inbox.fetch(id, this.record(id).lastReportSeq);
      for (const { token, ...report } of reports) {
        this.acceptBootReports(id, token, [report]);
      }
    } catch (error) {
      this.deps.logger.warn({ workstation: id, err: error }, 'reading boot report objects failed; retrying');
    }
  }

  private async fail(id: string, error: unknown): Promise<void> {
    const { timeline, cloud, logger } = this.deps;
    const problem = toProblem(error);
    logger.warn({ workstation: id, code: problem.code, err: error instanceof PrismError ? undefined : error }, 'launch failed');
    timeline.progress(id, 'failed', problem.detail, undefined, problem);
    const record = timeline.state(id, 'failed', {
      error: { code: problem.code, title: problem.title, detail: problem.detail, hint: problem.hint, policyStatement: problem.policyStatement }
    });
    if (record.instanceId) {
      // A failed launch must not leave a billed instance behind.
      try {
        await cloud.terminateInstance(record.instanceId);
        timeline.log(id, `instance ${record.instanceId} terminated so that it costs nothing`);
      } catch (terminateError) {
        logger.error({ workstation: id, err: terminateError }, 'could not terminate the instance of a failed launch');
      }
    }
    await this.removeRole(id);
  }

  private watchOf(id: string): BootWatch {
    let watch = this.watches.get(id);
    if (!watch) {
      watch = new BootWatch();
      this.watches.set(id, watch);
    }
    return watch;
  }

  private assertLive(id: string): void {
    if (this.cancelled.has(id)) {
      throw new LaunchCancelled();
    }
  }

  private record(id: string): WorkstationRecord {
    const record = this.deps.store.get(id);
    if (!record) {
      throw new Error(`workstation ${id} is not in the store`);
    }
    return record;
  }

  private template(record: WorkstationRecord): Template {
    const template = this.deps.catalog.get(record.template, record.templateVersion);
    if (!template) {
      throw new PrismError(
        'TEMPLATE_NOT_FOUND',
        404,
        'Template no longer available',
        `Template '${record.template}' version ${record.templateVersion} is not loaded any more.`,
        'Restore the template file in PRISM_TEMPLATES_DIR, or launch from another version.'
      );
    }
    return template;
  }
}

export function launchTags(record: WorkstationRecord): Record<string, string> {
  return {
    Name: record.name,
    'prism:launch': record.id,
    'prism:owner': record.owner,
    'prism:template': record.template,
    'prism:template-version': record.templateVersion,
    ...(record.project ? { 'prism:project': record.project } : {})
  };
}

function archMismatch(record: WorkstationRecord, imageId: string, imageArch: string, typeArches: string[]): PrismError {
  return new PrismError(
    'ARCH_MISMATCH',
    400,
    'Image and instance type differ in architecture',
    `Image ${imageId} is ${imageArch} but ${record.instanceType} runs ${typeArches.join('/')}; ${record.arch} was asked for.`,
    record.arch === 'arm64'
      ? 'Pick a Graviton instance type (t4g, m7g, c7g, r7g, ...) or launch on x86_64.'
      : 'Pick an x86_64 instance type (t3, m7i, c7i, r7i, ...) or launch on arm64.'
  );
}

function s3Mounts(record: WorkstationRecord): { bucket: string; prefix: string; readOnly: boolean; mountPoint: string }[] {
  const used = new Set<string>();
  return record.datasets.flatMap(d => {
    if (!d.s3) {
      return [];
    }
    let mountPoint = `/mnt/s3/${d.s3.bucket}`;
    for (let n = 2; used.has(mountPoint); n++) {
      mountPoint = `/mnt/s3/${d.s3.bucket}-${n}`;
    }
    used.add(mountPoint);
    return [{ bucket: d.s3.bucket, prefix: d.s3.prefix ?? '', readOnly: d.s3.readOnly ?? true, mountPoint }];
  });
}

function describeStorage(record: WorkstationRecord): string {
  const mounts = s3Mounts(record);
  return mounts.length
    ? `Preparing ${mounts.length} dataset mount${mounts.length > 1 ? 's' : ''} (${mounts.map(m => `s3://${m.bucket}/${m.prefix}`).join(', ')})…`
    : 'No datasets to attach.';
}

function describeAccess(record: WorkstationRecord, reportBucket: string | null): string {
  const datasets = s3Mounts(record).map(m => `${m.readOnly ? 'reads' : 'reads and writes'} s3://${m.bucket}/${normalPrefix(m.prefix)}`);
  const reports = reportBucket ? [`writes its boot reports to s3://${reportBucket}/prism-reports/${record.id}/`] : [];
  return [...datasets, ...reports].join(', ');
}

export function toProblem(error: unknown): Problem {
  if (error instanceof PrismError) {
    return {
      type: `https://prism.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
      title: error.title,
      status: error.status,
      detail: error.detail,
      code: error.code,
      hint: error.hint,
      ...(error instanceof PermissionDeniedError && { policyStatement: error.policyStatement })
    };
  }
  return {
    type: 'https://prism.dev/problems/launch-failed',
    title: 'The launch failed',
    status: 500,
    detail: 'An unexpected error stopped the launch.',
    code: 'LAUNCH_FAILED',
    hint: 'Try again; if it fails again, the service log has the details under this workstation id.'
  };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
