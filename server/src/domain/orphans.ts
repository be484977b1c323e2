/**
 * Instances Prism launched but no longer has a record of (the database was
 * lost or restored from an old copy): found by their `prism:launch` tag. An
 * admin lists them, adopts one back into its owner's list, or terminates it
 * so it stops costing money.
 */
import crypto from 'node:crypto';
import type { Orphan, Workstation } from '../contract/api';
import { PrismError } from './errors';
import type { Caller, Clock, Cloud, CloudInstance, DomainLogger, TemplateCatalog, WorkstationNetwork, WorkstationRecord, WorkstationStore } from './ports';
import { shippedPriceBook, type PriceBook } from './price-book';
import { FROM_CLOUD, orphansAmong } from './reconcile';
import type { Timeline } from './timeline';
import { toWorkstation } from './workstations';

export interface OrphansDeps {
  store: WorkstationStore;
  cloud: Cloud;
  catalog: TemplateCatalog;
  timeline: Timeline;
  network: WorkstationNetwork;
  clock: Clock;
  logger: DomainLogger;
  region: string;
  /** Prices for `region`; the shipped table when absent. */
  prices?: PriceBook;
}

export class Orphans {
  constructor(private readonly deps: OrphansDeps) {}

  async listOrphans(caller: Caller): Promise<Orphan[]> {
    requireAdmin(caller);
    return (await this.find()).map(toOrphan);
  }

  /** Gives the instance a record again, in its owner's list, under the id it was launched with. */
  async adoptOrphan(caller: Caller, instanceId: string): Promise<Workstation> {
    requireAdmin(caller);
    const { store, cloud, catalog, timeline, network, clock, logger, region } = this.deps;
    const instance = await this.orphan(instanceId);
    const tags = instance.tags;
    const owner = tags['prism:owner'] || caller.user;
    const template = catalog.get(tags['prism:template'] ?? '', tags['prism:template-version']);
    const [arch] = (await cloud.describeInstanceType(instance.instanceType)).arches;
    const tokens = tokensOf(await cloud.readUserData(instance.instanceId));
    const now = clock.now().toISOString();
    const state = FROM_CLOUD[instance.state];
    const record: WorkstationRecord = {
      id: instance.launchId,
      name: freeName(tags.Name || instance.launchId, store.listByOwner(owner)),
      owner,
      project: tags['prism:project'] ?? null,
      template: tags['prism:template'] ?? 'unknown',
      templateVersion: tags['prism:template-version'] ?? 'unknown',
      arch,
      size: Object.entries(template?.sizes ?? {}).find(([, types]) => types[arch] === instance.instanceType)?.[0] ?? 'custom',
      instanceType: instance.instanceType,
      state,
      // Whatever its launch got to, it is a machine now: nothing to resume.
      phase: 'ready',
      percent: 100,
      instanceId: instance.instanceId,
      imageId: instance.imageId,
      pricePerHour: (this.deps.prices ?? shippedPriceBook(region)).pricePerHour(instance.instanceType),
      datasets: [],
      parameters: {},
      createdAt: instance.launchTime ?? now,
      updatedAt: now,
      error: null,
      bootToken: tokens.boot ?? secret(),
      jupyterToken: tokens.jupyter ?? secret(),
      lastReportSeq: 0,
      servicePorts: {},
      keyPath: null,
      address: state === 'running' ? network.addressOf(instance) : null,
      hibernation: instance.hibernation ?? false,
      hibernationNote: instance.hibernation ? null : 'it was launched without hibernation (found as an orphan)'
    };
    store.insert(record);
    timeline.log(record.id, `adopted by ${caller.user}: instance ${instance.instanceId}, found with no record`);
    if (!tokens.jupyter) timeline.log(record.id, 'its Jupyter token could not be read back from the user data; the Jupyter link will ask for one');
    logger.info({ workstation: record.id, instanceId, owner, by: caller.user }, 'orphan adopted');
    return toWorkstation(record);
  }

  async terminateOrphan(caller: Caller, instanceId: string): Promise<{ instanceId: string; launchId: string; state: 'terminated' }> {
    requireAdmin(caller);
    const instance = await this.orphan(instanceId);
    await this.deps.cloud.terminateInstance(instance.instanceId);
    try {
      await this.deps.cloud.removeWorkstationRole(instance.launchId);
    } catch (error) {
      this.deps.logger.error({ workstation: instance.launchId, err: error }, 'could not remove the orphan’s role');
    }
    this.deps.logger.info({ workstation: instance.launchId, instanceId, by: caller.user }, 'orphan terminated');
    return { instanceId: instance.instanceId, launchId: instance.launchId, state: 'terminated' };
  }

  private async find(): Promise<CloudInstance[]> {
    return orphansAmong(await this.deps.cloud.findInstances(), this.deps.store);
  }

  private async orphan(instanceId: string): Promise<CloudInstance> {
    const found = (await this.find()).find(i => i.instanceId === instanceId);
    if (!found) {
      throw new PrismError(
        'ORPHAN_NOT_FOUND',
        404,
        'No such orphan',
        `${instanceId} is not an instance of Prism's without a record (it may have a record, be terminated, or not exist).`,
        'GET /orphans lists the instances Prism lost track of.'
      );
    }
    return found;
  }
}

function requireAdmin(caller: Caller): void {
  if (!caller.roles.includes('admin')) {
    throw new PrismError(
      'FORBIDDEN',
      403,
      'Admins only',
      'Instances Prism lost track of may belong to anyone, so only a Prism admin sees and handles them.',
      'Ask a Prism admin to look at GET /orphans; your own workstations are at GET /instances.'
    );
  }
}

function toOrphan(instance: CloudInstance): Orphan {
  const tag = (key: string): string | null => instance.tags[key] || null;
  return {
    instanceId: instance.instanceId,
    launchId: instance.launchId,
    name: tag('Name'),
    owner: tag('prism:owner'),
    project: tag('prism:project'),
    template: tag('prism:template'),
    templateVersion: tag('prism:template-version'),
    state: instance.state,
    instanceType: instance.instanceType,
    launchTime: instance.launchTime ?? null
  };
}

/**
 * The tokens the bootstrap was given (renderBootstrap writes them as
 * `readonly JUPYTER_ACCESS_TOKEN='…'` and `local token='…'`), so the adopted
 * workstation's Jupyter link and later boot reports keep working.
 */
function tokensOf(userData: string): { jupyter?: string; boot?: string } {
  return {
    jupyter: /readonly JUPYTER_ACCESS_TOKEN='([A-Za-z0-9_-]+)'/.exec(userData)?.[1],
    boot: /local token='([A-Za-z0-9_-]+)'/.exec(userData)?.[1]
  };
}

/** Names are unique per owner among live workstations; an adopted one yields. */
function freeName(name: string, owned: WorkstationRecord[]): string {
  const taken = new Set(owned.filter(w => w.state !== 'terminated' && w.state !== 'failed').map(w => w.name));
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${n}`;
  return candidate;
}

function secret(): string {
  return crypto.randomBytes(24).toString('base64url');
}
