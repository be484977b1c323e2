/**
 * The launch path of DESIGN: the record is durable before any cloud call;
 * independent preparations run in parallel while phases are reported in
 * order; the image and the instance type must share the arch before any
 * instance exists; RunInstances is idempotent on the workstation id; the
 * bootstrap reports drive progress until the services answer.
 */
import crypto from 'node:crypto';
import type { Problem } from '../contract/events';
import { renderBootstrap } from './bootstrap';
import { applyAfterLaunch, applyBootReport, type ReadyServices } from './boot-report';
import type { BootReportRelay } from './boot-report-relay';
import { BootWatch } from './boot-watch';
import { checkDeclaredServices } from './health-check';
import type { Activity } from './idle';
import { hibernationRootVolumeGiB, hibernationSupport, type HibernationSupport } from './hibernation';
import { archMismatch, bootReportRefused, bootTimeout, templateGone, toProblem } from './launch-problems';
import { datasetMounts, describeAccess, describeStorage, prepareStorage, type DatasetLookup, type PreparedStorage } from './launch-storage';
import { launchTags } from './launch-tags';
import { launchLease, type Lease, type Leases } from './lease';
import { PrismError } from './errors';
import type {
  BootReport,
  BootReportInbox,
  Cloud,
  CloudInstance,
  DomainLogger,
  HealthProbe,
  ImageInfo,
  InstanceTypeInfo,
  TemplateCatalog,
  WorkstationNetwork,
  WorkstationRecord,
  WorkstationStore
} from './ports';
import { ReportObjects } from './report-objects';
import type { Template } from './template';
import type { Timeline } from './timeline';
import type { VolumeMount } from './volumes';
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
  /** PRISM_LAUNCH_SEQUENTIAL, a benchmark baseline: the preparations run one after another. */
  sequential?: boolean;
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
  /** Hears the agent's `mounts` and `sync` reports. */
  onStorageReport?: (id: string, report: BootReport) => void;
  /** The owner's access point on an EFS volume (domain/volumes.ts); absent: EFS volumes cannot be attached. */
  attachVolume?: (owner: string, volumeId: string) => Promise<VolumeMount>;
  /** The project's shared space through the owner's access point (domain/project-space.ts); null when there is none. */
  projectSpace?: (record: WorkstationRecord) => Promise<VolumeMount | null>;
  /** A registered dataset the owner may use (domain/datasets.ts); absent: named datasets cannot be attached. */
  dataset?: DatasetLookup;
  /** Several replicas (docs/replicas.md): a launch is driven only under its lease; absent: this process drives every launch. */
  leases?: Leases;
  /** Boot reports kept until their launch's driver applied them, whichever replica took them (with `leases`). */
  relay?: BootReportRelay;
}

class LaunchCancelled extends Error {}
/** This replica no longer holds the launch's lease: another one drives it now. */
class LeaseLost extends Error {}

/** How often the driving replica reads the reports other replicas kept for its launches. */
const RELAY_POLL_MS = 1_000;
/** A failed launch's clean-up: tries in all, the first wait between them (doubling): about 15 s. */
const CLEAN_UP_ATTEMPTS = 5;
const CLEAN_UP_BACKOFF_MS = 1_000;

/** The image and the root volume a launch settled on, and whether the instance can hibernate. */
interface SettledMachine {
  imageId: string;
  rootVolumeGiB: number;
  hibernation: HibernationSupport;
}

export class LaunchRunner {
  private readonly watches = new Map<string, BootWatch>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly cancelled = new Set<string>();
  private readonly leases = new Map<string, Lease>();
  /** Per launch driven here, the last kept report already handed to its watch. */
  private readonly relayed = new Map<string, number>();
  /** Set once the service stops: a launch interrupted then is resumed by the next start, not failed. */
  private stopping = false;
  private readonly reportObjects: ReportObjects;

  constructor(private readonly deps: LaunchDeps) {
    this.reportObjects = new ReportObjects({
      inbox: deps.inbox,
      store: deps.store,
      logger: deps.logger,
      settings: deps.settings,
      lastReportSeq: id => this.record(id).lastReportSeq,
      accept: (id, token, reports) => this.acceptBootReports(id, token, reports)
    });
  }

  /**
   * Drive a recorded launch to ready or failed, in the background. With
   * replicas, only once this one claimed its lease; false when another holds it.
   */
  start(id: string): boolean {
    if (this.running.has(id)) {
      return true;
    }
    if (this.deps.leases && !this.claim(id, this.deps.leases)) {
      return false;
    }
    const relayPoll = this.deps.relay ? setInterval(() => this.readRelayed(id), RELAY_POLL_MS) : undefined;
    relayPoll?.unref();
    // From the next turn of the event loop: the caller answers (202) before the launch's first cloud call is even built.
    const run = new Promise<void>(resolve => setImmediate(resolve)).then(() => this.drive(id)).finally(() => {
      clearInterval(relayPoll);
      this.running.delete(id);
      this.watches.get(id)?.close();
      this.watches.delete(id);
      this.cancelled.delete(id);
      this.relayed.delete(id);
      this.settleLease(id);
    });
    this.running.set(id, run);
    return true;
  }

  /**
   * After a crash or restart, and (with replicas) on every sweep: pick up each
   * launch that had not settled and that no live replica drives. Returns how many this one took.
   */
  resumeUnfinished(): number {
    const unfinished = this.deps.store.listUnfinished().filter(record => !this.running.has(record.id));
    return unfinished.filter(record => this.start(record.id)).length;
  }

  /** Stop driving a launch (the workstation is being terminated). */
  cancel(id: string): void {
    if (this.running.has(id)) {
      this.cancelled.add(id);
      this.watches.get(id)?.close();
    }
  }

  /** Driven here, or (with replicas) not settled yet, wherever it is driven. */
  isLaunching(id: string): boolean {
    if (this.running.has(id)) return true;
    const record = this.deps.leases ? this.deps.store.get(id) : undefined;
    return record !== undefined && !isSettled(record);
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
    // What is still running is set aside untouched, and stops waiting on its workstation's reports.
    this.stopping = true;
    this.watches.forEach(watch => watch.close());
  }

  /**
   * Reports from a booting workstation (HTTP phone-home or S3 report object).
   * Returns how many were new; refuses a wrong token.
   */
  acceptBootReports(id: string, token: string, reports: BootReport[]): number {
    const record = this.deps.store.get(id);
    if (!record || !sameSecret(record.bootToken, token)) {
      throw bootReportRefused();
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
      fresh.forEach(report => applyAfterLaunch(this.deps, record, report));
    } else if (this.deps.relay) {
      // Kept until applied, wherever the launch is driven; driven here, what other replicas kept comes first.
      this.deps.relay.keep(id, fresh);
      this.readRelayed(id);
    } else {
      const watch = this.watchOf(id);
      fresh.forEach(report => watch.push(report));
    }
    return fresh.length;
  }

  /**
   * After the launch, a running workstation's agent keeps reporting its
   * activity; over S3 nobody pushes those, so they are collected on a schedule.
   */
  async collectRunningReportObjects(): Promise<void> {
    await this.reportObjects.collectRunning();
  }

  private async drive(id: string): Promise<void> {
    const failing = this.record(id).failing;
    if (failing) {
      // The service stopped while this launch was cleaning up after its failure: finish that.
      await this.fail(id, failing);
      return;
    }
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
      if (this.stopping) {
        // The service is stopping: the record stays as it was, for the next start (or another replica) to resume.
        this.deps.logger.info({ workstation: id }, 'launch left for the next start');
        return;
      }
      if (error instanceof LeaseLost || this.leaseLost(id)) {
        this.deps.logger.warn({ workstation: id }, 'launch left to the replica that holds its lease now');
        return;
      }
      if (error instanceof LaunchCancelled || this.cancelledAnywhere(id)) {
        // The terminate removed the role already, unless the role was still in the making then.
        await this.removeRole(id);
        this.deps.logger.info({ workstation: id }, 'launch cancelled');
        return;
      }
      const problem = toProblem(error);
      this.deps.logger.warn({ workstation: id, code: problem.code, err: error instanceof PrismError ? undefined : error }, 'launch failed');
      await this.fail(id, problem);
    }
  }

  private async prepareAndRun(record: WorkstationRecord): Promise<WorkstationRecord> {
    const begin = preparationOrder(this.deps.settings.sequential === true);
    const storage = begin(() => prepareStorage(this.deps.cloud, this.deps.settings, record, this.deps.dataset));
    try {
      return await this.prepareAndRunWith(record, storage, begin);
    } catch (error) {
      // The role may still be in the making: let it finish, so removing it after this failure finds it.
      await storage.catch(() => undefined);
      throw error;
    }
  }

  private async prepareAndRunWith(record: WorkstationRecord, storage: Promise<PreparedStorage>, begin: Begin): Promise<WorkstationRecord> {
    const { cloud, timeline } = this.deps;
    const id = record.id;
    const template = this.template(record);

    timeline.progress(id, 'resolve-image', `Finding the ${record.arch} image for ${template.title}…`);
    const image = begin(() => cloud.resolveImage(template.image[record.arch], record.arch));
    const instanceType = begin(() => cloud.describeInstanceType(record.instanceType));
    const network = Promise.all([begin(() => cloud.ensureSecurityGroup()), begin(() => cloud.ensureKeyPair(record.owner))]);
    const volumes = begin(() => this.attachVolumes(record));
    // The calls overlap, but are awaited in phase order so the researcher sees phases in
    // order; handlers are attached now so a failure of one while awaiting another is not unhandled.
    void Promise.allSettled([image, instanceType, network, storage, volumes]);
    const machine = await this.settleMachine(record, template, image, instanceType);
    timeline.progress(id, 'prepare-network', 'Preparing the security group and your SSH key…');
    const [securityGroupId, key] = await network;
    this.assertLive(id);
    timeline.progress(id, 'prepare-storage', describeStorage(record, this.deps.dataset));
    const prepared = await storage;
    const mounts = await volumes;
    this.assertLive(id);
    if (prepared.instanceProfile) {
      timeline.log(id, `instance profile ${prepared.instanceProfile}: ${describeAccess(record, prepared.report.bucket, this.deps.dataset)}`);
    }
    mounts.forEach(m => timeline.log(id, `volume ${m.volume}: ${m.fileSystemId} through access point ${m.accessPointId} at ${m.mountPoint}`));
    return this.runWorkstation(record, template, machine, { securityGroupId, key, volumes: mounts, ...prepared });
  }

  /** The project's space, then each attached EFS volume: each through the owner's own access point, made on first attach. */
  private async attachVolumes(record: WorkstationRecord): Promise<VolumeMount[]> {
    const space = (await this.deps.projectSpace?.(record)) ?? null;
    return [...(space ? [space] : []), ...(await this.attachOwnVolumes(record))];
  }

  private async attachOwnVolumes(record: WorkstationRecord): Promise<VolumeMount[]> {
    const ids = record.datasets.flatMap(d => (d.efs ? [d.efs.volume] : []));
    if (ids.length === 0) return [];
    const attach = this.deps.attachVolume;
    if (!attach) {
      throw new PrismError('VOLUMES_UNAVAILABLE', 409, 'EFS volumes are not available', 'This service has no volume store.', 'Launch without EFS volumes.');
    }
    return Promise.all(ids.map(volume => attach(record.owner, volume)));
  }

  /** The image and the instance type must share the arch; whether the pair can hibernate sets the root volume. */
  private async settleMachine(
    record: WorkstationRecord,
    template: Template,
    image: Promise<ImageInfo>,
    instanceType: Promise<InstanceTypeInfo>
  ): Promise<SettledMachine> {
    const { timeline } = this.deps;
    const id = record.id;
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
    return { imageId: resolved.imageId, rootVolumeGiB, hibernation };
  }

  /** RunInstances with the rendered bootstrap; the record learns its instance before anything else can fail. */
  private async runWorkstation(
    record: WorkstationRecord,
    template: Template,
    machine: SettledMachine,
    prepared: PreparedStorage & {
      securityGroupId: string;
      key: { keyName: string; privateKeyPath: string | null };
      volumes: VolumeMount[];
    }
  ): Promise<WorkstationRecord> {
    const { cloud, timeline } = this.deps;
    const id = record.id;
    const { imageId, rootVolumeGiB, hibernation } = machine;
    const { securityGroupId, key, report, instanceProfile } = prepared;
    timeline.progress(id, 'run-instance', `Starting a ${record.instanceType} (${record.arch})…`);
    const userData = renderBootstrap({
      launchId: id,
      template,
      arch: record.arch,
      region: this.deps.settings.region,
      report: { ...report, token: record.bootToken },
      jupyterToken: record.jupyterToken,
      datasets: datasetMounts(record, this.deps.dataset),
      volumes: prepared.volumes,
      parameters: record.parameters
    });
    this.watchOf(id);
    const instance = await cloud.runInstance({
      launchId: id,
      imageId,
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
      imageId,
      keyPath: key.privateKeyPath,
      keyName: key.keyName,
      rootVolumeGiB,
      hibernation: hibernation.supported,
      hibernationNote: hibernation.supported ? null : hibernation.reason
    });
    timeline.log(id, `instance ${instance.instanceId} requested`);
    if (this.cancelledAnywhere(id)) {
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

  private async waitRunning(record: WorkstationRecord): Promise<void> {
    const { timeline, cloud, network } = this.deps;
    timeline.progress(record.id, 'wait-running', 'Waiting for the instance to be running…');
    const instance: CloudInstance = await cloud.waitUntilRunning(record.instanceId as string);
    this.assertLive(record.id);
    timeline.state(record.id, 'running', { address: network.addressOf(instance) });
  }

  private async followBootstrap(id: string): Promise<ReadyServices> {
    const { timeline, settings } = this.deps;
    timeline.progress(id, 'bootstrap', 'Installing the template’s software…', 0);
    const watch = this.watchOf(id);
    const poller = this.reportObjects.poll(id);
    const deadline = Date.now() + settings.bootTimeoutSeconds * 1000;
    try {
      for (;;) {
        const report = await watch.next(Math.max(0, deadline - Date.now()));
        this.assertLive(id);
        if (!report) {
          throw bootTimeout(settings.bootTimeoutSeconds);
        }
        const done = applyBootReport(this.deps, id, report);
        this.deps.relay?.applied(id, report.seq);
        if (done) {
          return done;
        }
      }
    } finally {
      poller.stop();
    }
  }

  private async checkHealth(id: string, services: ReadyServices): Promise<void> {
    const { timeline, probe, settings } = this.deps;
    const record = this.record(id);
    const template = this.template(record);
    const assertLive = (): void => this.assertLive(id);
    await checkDeclaredServices({ timeline, probe, timeoutSeconds: settings.healthTimeoutSeconds, assertLive }, record, template, services);
  }

  /**
   * Cleans up first and settles last: the reason is recorded before any clean-up
   * call, so a crash in the middle resumes into failing with the same reason, and
   * a launch shown as failed has left no instance or role of its own behind.
   */
  private async fail(id: string, problem: Problem): Promise<void> {
    const { timeline } = this.deps;
    const record = this.deps.store.update(id, { failing: problem });
    // AWS failing is often why the launch failed: its clean-up tries again, backing off, before it gives up
    // (the soak found instances left running when one look-up failed past the SDK's retries).
    for (let attempt = 1; !(await this.terminateInstancesOf(record)) && attempt < CLEAN_UP_ATTEMPTS && !this.stopping; attempt++) {
      await new Promise(resolve => setTimeout(resolve, CLEAN_UP_BACKOFF_MS * 2 ** (attempt - 1)).unref());
    }
    await this.removeRole(id);
    timeline.progress(id, 'failed', problem.detail, undefined, problem);
    timeline.state(id, 'failed', {
      error: { code: problem.code, title: problem.title, detail: problem.detail, hint: problem.hint, policyStatement: problem.policyStatement }
    });
  }

  /**
   * A failed launch must not leave a billed instance behind, even one whose RunInstances answer was lost:
   * the record's instance, or, when it never learned one, whatever carries the launch's tag. False when a
   * look-up or a terminate failed.
   */
  private async terminateInstancesOf(record: WorkstationRecord): Promise<boolean> {
    const { cloud, timeline, logger } = this.deps;
    let instanceIds = record.instanceId ? [record.instanceId] : [];
    if (!record.instanceId) {
      try {
        const found = await cloud.findInstances({ launchId: record.id });
        instanceIds = found.filter(i => i.state !== 'shutting-down' && i.state !== 'terminated').map(i => i.instanceId);
      } catch (error) {
        logger.error({ workstation: record.id, err: error }, 'could not look for the instance of a failed launch');
        return false;
      }
    }
    let done = true;
    for (const instanceId of instanceIds) {
      try {
        await cloud.terminateInstance(instanceId);
        timeline.log(record.id, `instance ${instanceId} terminated so that it costs nothing`);
      } catch (terminateError) {
        logger.error({ workstation: record.id, err: terminateError }, 'could not terminate the instance of a failed launch');
        done = false;
      }
    }
    return done;
  }

  private watchOf(id: string): BootWatch {
    let watch = this.watches.get(id);
    if (!watch) {
      watch = new BootWatch();
      this.watches.set(id, watch);
      if (this.stopping) {
        watch.close();
      }
    }
    return watch;
  }

  private assertLive(id: string): void {
    if (this.leaseLost(id)) {
      throw new LeaseLost();
    }
    if (this.cancelledAnywhere(id)) {
      throw new LaunchCancelled();
    }
  }

  /** Terminated here, or (with replicas) through another replica, which can only say so in the store. */
  private cancelledAnywhere(id: string): boolean {
    return this.cancelled.has(id) || (this.deps.leases !== undefined && this.deps.store.get(id)?.state === 'terminated');
  }

  private claim(id: string, leases: Leases): boolean {
    let lease: Lease | null;
    try {
      lease = leases.claim(launchLease(id), () => this.watches.get(id)?.close());
    } catch (error) {
      // The next sweep tries again.
      this.deps.logger.warn({ workstation: id, err: error }, 'could not claim the launch');
      return false;
    }
    if (!lease) return false;
    this.leases.set(id, lease);
    this.deps.logger.info({ workstation: id, replica: leases.holder }, 'this replica drives the launch');
    return true;
  }

  private leaseLost(id: string): boolean {
    const lease = this.leases.get(id);
    return lease !== undefined && !lease.held();
  }

  /** The lease goes back once the launch settled, or was set aside for another replica to resume at once. */
  private settleLease(id: string): void {
    const lease = this.leases.get(id);
    if (!lease) return;
    this.leases.delete(id);
    lease.release();
    const record = this.deps.store.get(id);
    if (record && isSettled(record)) this.deps.relay?.discard(id);
  }

  /** Reports kept for a launch driven here, into its watch once each, in the order they were sent. */
  private readRelayed(id: string): void {
    if (!this.deps.relay || !this.running.has(id) || this.leaseLost(id)) return;
    if (this.cancelledAnywhere(id)) {
      // Terminated through another replica: its machine will not report again, so stop waiting.
      this.watches.get(id)?.close();
      return;
    }
    let reports: BootReport[];
    try {
      reports = this.deps.relay.pending(id, this.relayed.get(id) ?? 0);
    } catch (error) {
      this.deps.logger.warn({ workstation: id, err: error }, 'could not read the kept boot reports; trying again');
      return;
    }
    if (reports.length === 0) return;
    this.relayed.set(id, reports[reports.length - 1].seq);
    const watch = this.watchOf(id);
    reports.forEach(report => watch.push(report));
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
      throw templateGone(record);
    }
    return template;
  }
}

/** Starts one preparation of a launch. */
type Begin = <T>(start: () => Promise<T>) => Promise<T>;

/** Each preparation starts at once, or (the benchmark baseline) once the one before has settled. */
function preparationOrder(sequential: boolean): Begin {
  if (!sequential) return start => start();
  let previous: Promise<unknown> = Promise.resolve();
  return <T>(start: () => Promise<T>): Promise<T> => {
    const next = previous.then(start);
    previous = next.catch(() => undefined);
    return next;
  };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
