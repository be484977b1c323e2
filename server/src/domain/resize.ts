/**
 * Resizing a workstation: a bigger or smaller machine of the same arch, with
 * the same disk. EC2 changes the type of a stopped instance only, so a running
 * workstation is stopped, changed and started again, each step streamed as
 * `instance:state`; a stopped one is changed and stays stopped.
 */
import type { ResizeRequest, Workstation } from '../contract/api';
import type { Arch } from '../contract/events';
import { invalidRequest, notFound, PrismError } from './errors';
import { HIBERNATION_FAMILY_EXAMPLES, HIBERNATION_MAX_MEMORY_GIB, hibernationRootVolumeGiB, instanceTypeHibernation } from './hibernation';
import type { LaunchRunner } from './launch';
import type { ProjectPolicies } from './project-policy';
import type { Cloud, DomainLogger, TemplateCatalog, WorkstationNetwork, WorkstationRecord, WorkstationStore } from './ports';
import { shippedPriceBook, type PriceBook } from './price-book';
import type { Timeline } from './timeline';
import { toWorkstation } from './workstations';

/** Why an instance type cannot serve `arch`, with the hint naming its equivalent; null when it can. */
export type InstanceTypeCheck = (instanceType: string, arch: Arch) => { message: string; hint: string } | null;

export interface ResizeDeps {
  store: WorkstationStore;
  cloud: Cloud;
  catalog: TemplateCatalog;
  timeline: Timeline;
  runner: Pick<LaunchRunner, 'isLaunching'>;
  network: WorkstationNetwork;
  checkInstanceType: InstanceTypeCheck;
  logger: DomainLogger;
  region: string;
  /** Prices for `region`; the shipped table when absent. */
  prices?: PriceBook;
  /** The sizes a project allows (domain/project-policy.ts); absent: any. */
  policy?: Pick<ProjectPolicies, 'admitResize'>;
}

export class Resizer {
  constructor(private readonly deps: ResizeDeps) {}

  async resizeWorkstation(owner: string, id: string, request: ResizeRequest): Promise<Workstation> {
    const { store, cloud, timeline, network, logger } = this.deps;
    const record = store.get(id);
    if (!record || record.owner !== owner) {
      throw notFound('workstation', id, 'List your workstations with GET /instances; ids start with "ws-".');
    }
    this.requireResizable(record);
    const { instanceType, size } = this.target(record, request);
    this.deps.policy?.admitResize(record, size, instanceType);
    const info = await cloud.describeInstanceType(instanceType);
    if (!info.arches.includes(record.arch)) {
      const check = this.deps.checkInstanceType(instanceType, record.arch);
      throw new PrismError(
        'ARCH_MISMATCH',
        400,
        'Not the same architecture',
        `${instanceType} runs ${info.arches.join('/')}, but '${record.name}' is ${record.arch}: its disk cannot boot there.`,
        check?.hint ?? `Pick an ${record.arch} instance type, or launch a new workstation on the other arch.`
      );
    }
    if (record.hibernation) {
      this.requireHibernationKept(record, instanceType, info.memoryGiB);
    }
    // A hibernating workstation writes its RAM to the root volume: a bigger machine needs a bigger disk.
    const rootVolumeGiB = record.hibernation ? hibernationRootVolumeGiB(record.rootVolumeGiB ?? 0, info.memoryGiB) : record.rootVolumeGiB;

    const instanceId = record.instanceId as string;
    const wasRunning = record.state === 'running';
    if (wasRunning) {
      timeline.state(id, 'stopping');
      await cloud.stopInstance(instanceId);
      timeline.state(id, 'stopped');
    }
    timeline.log(id, `resizing from ${record.instanceType} to ${instanceType}`);
    try {
      if (rootVolumeGiB !== undefined && rootVolumeGiB !== record.rootVolumeGiB) {
        await cloud.growRootVolume(instanceId, rootVolumeGiB);
        store.update(id, { rootVolumeGiB });
        timeline.log(id, `root volume grown to ${rootVolumeGiB} GiB, so ${info.memoryGiB} GiB of RAM fits when it hibernates`);
      }
      await cloud.changeInstanceType(instanceId, instanceType);
    } catch (error) {
      if (wasRunning) await this.restart(record, `back on ${record.instanceType} after the resize failed`);
      throw error;
    }
    store.update(id, { instanceType, size, pricePerHour: (this.deps.prices ?? shippedPriceBook(this.deps.region)).pricePerHour(instanceType) });
    logger.info({ workstation: id, owner, from: record.instanceType, to: instanceType }, 'workstation resized');
    if (!wasRunning) {
      return toWorkstation(timeline.state(id, 'stopped'));
    }
    const running = await this.restart(record, `now a ${instanceType}`);
    return toWorkstation(timeline.state(id, 'running', { address: network.addressOf(running) }));
  }

  private async restart(record: WorkstationRecord, why: string) {
    const { store, cloud, timeline } = this.deps;
    store.update(record.id, { lastReportSeq: 0 });
    timeline.state(record.id, 'pending');
    await cloud.startInstance(record.instanceId as string);
    const instance = await cloud.waitUntilRunning(record.instanceId as string);
    timeline.log(record.id, `started, ${why}`);
    timeline.state(record.id, 'running', { address: this.deps.network.addressOf(instance) });
    return instance;
  }

  private requireResizable(record: WorkstationRecord): void {
    if (record.state === 'hibernated') {
      throw new PrismError(
        'INVALID_STATE',
        409,
        'Cannot resize a hibernated workstation',
        `Workstation '${record.name}' is hibernated; EC2 cannot change the type of a hibernated instance.`,
        'Start it (its memory comes back), then resize: Prism stops it plainly for the change.'
      );
    }
    if (!['running', 'stopped'].includes(record.state) || !record.instanceId || this.deps.runner.isLaunching(record.id)) {
      throw new PrismError(
        'INVALID_STATE',
        409,
        'Cannot resize now',
        `Workstation '${record.name}' is ${record.state}; resize needs it running or stopped.`,
        this.deps.runner.isLaunching(record.id)
          ? 'Wait for the launch to finish, then resize.'
          : 'Refresh the list; resize applies to running or stopped workstations.'
      );
    }
  }

  /** The instance type asked for, and the template size it is (or 'custom'). */
  private target(record: WorkstationRecord, request: ResizeRequest): { instanceType: string; size: string } {
    if ((request.size === undefined) === (request.instanceType === undefined)) {
      throw invalidRequest('Give either a size or an instance type.', 'Send { "size": "large" } or { "instanceType": "m7g.xlarge" }.');
    }
    const sizes = this.deps.catalog.get(record.template, record.templateVersion)?.sizes ?? {};
    let instanceType = request.instanceType;
    if (request.size !== undefined) {
      instanceType = sizes[request.size]?.[record.arch];
      if (!instanceType) {
        const offered = Object.entries(sizes).filter(([, types]) => types[record.arch]).map(([name]) => name);
        throw new PrismError(
          'SIZE_NOT_FOR_ARCH',
          400,
          'No such size on this architecture',
          `Template '${record.template}' has no ${record.arch} size '${request.size}'.`,
          offered.length ? `Choose one of: ${offered.join(', ')}; or give an instanceType.` : 'Give an instanceType instead.'
        );
      }
    }
    const chosen = instanceType as string;
    if (chosen === record.instanceType) {
      throw invalidRequest(`'${record.name}' is already a ${chosen}.`, 'Pick another size or instance type.');
    }
    const size = Object.entries(sizes).find(([, types]) => types[record.arch] === chosen)?.[0] ?? 'custom';
    return { instanceType: chosen, size };
  }

  /** A workstation launched for hibernation must stay able to (EC2 cannot turn it off either). */
  private requireHibernationKept(record: WorkstationRecord, instanceType: string, memoryGiB: number): void {
    const support = instanceTypeHibernation(instanceType, memoryGiB);
    if (!support.supported) {
      throw new PrismError(
        'HIBERNATION_UNSUPPORTED',
        409,
        'That size would lose hibernation',
        `'${record.name}' was launched to hibernate, and ${instanceType} cannot: ${support.reason}.`,
        `Pick a type that can hibernate (${HIBERNATION_FAMILY_EXAMPLES}, at most ${HIBERNATION_MAX_MEMORY_GIB} GiB of RAM), or launch a new workstation of that size.`
      );
    }
  }
}
