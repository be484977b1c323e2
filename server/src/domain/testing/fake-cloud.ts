/**
 * An in-memory Cloud for the domain's unit tests. It records every call,
 * keeps its instances by id, is idempotent on the launch id as EC2 is on the
 * ClientToken, and lets a test make an image of the wrong arch, fail a call
 * with a PrismError, or hold a call until the test releases it.
 */
import type { Arch } from '../../contract/events';
import type { PrismError } from '../errors';
import type {
  AccessPointSpec,
  Cloud,
  CloudInstance,
  CloudInstanceState,
  ImageInfo,
  InstanceTypeInfo,
  PrivateKeyHandout,
  FileSystemSpec,
  RunInstanceSpec,
  WorkstationRoleSpec
} from '../ports';
import type { ImageSource } from '../template';

export type CloudMethod = keyof Cloud;

export interface CloudCall {
  method: CloudMethod;
  args: unknown[];
}

/** Graviton families carry a `g` after the generation: t4g, m7g, c7gn, r8gd. */
function archesOf(instanceType: string): Arch[] {
  return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType) ? ['arm64'] : ['x86_64'];
}

export class FakeCloud implements Cloud {
  readonly calls: CloudCall[] = [];
  readonly instances = new Map<string, CloudInstance>();
  /** The workstation roles IAM holds, by launch id. */
  readonly roles = new Map<string, WorkstationRoleSpec>();
  /** EFS file systems by id, and the access points on them. */
  readonly fileSystems = new Map<string, FileSystemSpec & { accessPoints: Map<string, AccessPointSpec> }>();
  private readonly imageArches: Partial<Record<Arch, Arch>> = {};
  private readonly failures = new Map<CloudMethod, { error: PrismError; left: number }>();
  private readonly holds = new Map<CloudMethod, Promise<void>>();
  private readonly userData = new Map<string, string>();
  private readonly lostAnswers = new Set<CloudMethod>();
  /** Called at each call, before it does anything: lets a test look at the world as the cloud is called. */
  onCall: ((call: CloudCall) => void) | null = null;
  private nextInstance = 1;
  /** RAM per instance type where a test needs other than 4 GiB. */
  readonly memoryGiB = new Map<string, number>();
  /** The owner's current key name once rotated; `prism-<owner>` before. */
  private readonly keyNames = new Map<string, string>();
  private readonly takenKeys = new Map<string, string>();

  /** Resolving an image for `asked` returns one built for `actual`. */
  imageOfWrongArch(asked: Arch, actual: Arch): void {
    this.imageArches[asked] = actual;
  }

  /** Every later call of `method` fails with `error`; only the next `times` when given. */
  fail(method: CloudMethod, error: PrismError, times = Number.POSITIVE_INFINITY): void {
    this.failures.set(method, { error, left: times });
  }

  /**
   * Later calls of `method` wait, before doing anything, until the returned
   * function is called: a slow or dropped request.
   */
  hold(method: CloudMethod): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>(resolve => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  /**
   * The next call of `method` does its work in the cloud but never answers:
   * the response was lost, or the service died while waiting for it.
   */
  loseAnswer(method: CloudMethod): void {
    this.lostAnswers.add(method);
  }

  callsOf(method: CloudMethod): unknown[][] {
    return this.calls.filter(c => c.method === method).map(c => c.args);
  }

  /** An instance the cloud has, as if launched earlier. */
  seedInstance(launchId: string, state: CloudInstanceState = 'running'): CloudInstance {
    return this.create({ launchId, instanceType: 't4g.medium', imageId: 'ami-seeded', tags: { 'prism:launch': launchId } }, state);
  }

  /** The cloud changed behind Prism's back (console, another tool, a spot reclaim). */
  setState(instanceId: string, state: CloudInstanceState): void {
    this.mustGet(instanceId).state = state;
  }

  /** The instance is no longer listed at all (terminated long ago). */
  forget(instanceId: string): void {
    this.instances.delete(instanceId);
  }

  instanceOf(launchId: string): CloudInstance | undefined {
    return [...this.instances.values()].find(i => i.launchId === launchId);
  }

  async identity(): Promise<{ account: string; region: string }> {
    return this.call('identity', [], () => ({ account: '123456789012', region: 'eu-west-1' }));
  }

  async resolveImage(source: ImageSource, arch: Arch): Promise<ImageInfo> {
    return this.call('resolveImage', [source, arch], () => {
      const actual = this.imageArches[arch] ?? arch;
      return { imageId: `ami-${actual}`, arch: actual, name: `al2023-ami-${actual}` };
    });
  }

  async describeInstanceType(instanceType: string): Promise<InstanceTypeInfo> {
    return this.call('describeInstanceType', [instanceType], () => ({
      instanceType,
      arches: archesOf(instanceType),
      vcpus: 2,
      memoryGiB: this.memoryGiB.get(instanceType) ?? 4
    }));
  }

  async ensureSecurityGroup(): Promise<string> {
    return this.call('ensureSecurityGroup', [], () => 'sg-prism');
  }

  async ensureKeyPair(owner: string): Promise<{ keyName: string; privateKeyPath: string | null }> {
    return this.call('ensureKeyPair', [owner], () => {
      const keyName = this.keyNames.get(owner) ?? `prism-${owner}`;
      return { keyName, privateKeyPath: `/keys/${keyName}.pem` };
    });
  }

  async rotateKeyPair(owner: string): Promise<{ keyName: string; privateKeyPath: string | null; previousKeyName: string | null }> {
    return this.call('rotateKeyPair', [owner], () => {
      const previousKeyName = this.keyNames.get(owner) ?? `prism-${owner}`;
      const keyName = `prism-${owner}+${this.keyNames.size + 2}`;
      this.keyNames.set(owner, keyName);
      return { keyName, privateKeyPath: `/keys/${keyName}.pem`, previousKeyName };
    });
  }

  /** Hands out a made-up key the first time per key name, as the adapter does with its file. */
  async takePrivateKey(owner: string): Promise<PrivateKeyHandout> {
    return this.call('takePrivateKey', [owner], () => {
      const keyName = this.keyNames.get(owner) ?? `prism-${owner}`;
      const takenAt = this.takenKeys.get(keyName);
      if (takenAt) return { keyName, takenAt };
      this.takenKeys.set(keyName, '2025-03-01T09:00:00.000Z');
      return { keyName, privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\nfake ${keyName}\n-----END OPENSSH PRIVATE KEY-----\n` };
    });
  }

  /** Idempotent on the launch id, as EC2 is on the ClientToken. */
  async runInstance(spec: RunInstanceSpec): Promise<CloudInstance> {
    return this.call('runInstance', [spec], () => ({ ...(this.instanceOf(spec.launchId) ?? this.create(spec, 'pending')) }));
  }

  async waitUntilRunning(instanceId: string): Promise<CloudInstance> {
    return this.call('waitUntilRunning', [instanceId], () => {
      const instance = this.mustGet(instanceId);
      if (instance.state === 'pending') {
        instance.state = 'running';
      }
      return { ...instance };
    });
  }

  async findInstances(filter: { launchId?: string; owner?: string } = {}): Promise<CloudInstance[]> {
    return this.call('findInstances', [filter], () =>
      [...this.instances.values()]
        .filter(i => !filter.launchId || i.launchId === filter.launchId)
        .filter(i => !filter.owner || i.tags['prism:owner'] === filter.owner)
        .map(i => ({ ...i }))
    );
  }

  async stopInstance(instanceId: string, hibernate = false): Promise<void> {
    return this.call('stopInstance', [instanceId, hibernate], () => {
      this.mustGet(instanceId).state = 'stopped';
    });
  }

  async startInstance(instanceId: string): Promise<void> {
    return this.call('startInstance', [instanceId], () => {
      this.mustGet(instanceId).state = 'pending';
    });
  }

  async changeInstanceType(instanceId: string, instanceType: string): Promise<void> {
    return this.call('changeInstanceType', [instanceId, instanceType], () => {
      const instance = this.mustGet(instanceId);
      if (instance.state !== 'stopped') throw new Error(`fake cloud: ${instanceId} is ${instance.state}, not stopped`);
      instance.instanceType = instanceType;
    });
  }

  async growRootVolume(instanceId: string, sizeGiB: number): Promise<void> {
    return this.call('growRootVolume', [instanceId, sizeGiB], () => {
      this.mustGet(instanceId);
    });
  }

  async terminateInstance(instanceId: string): Promise<void> {
    return this.call('terminateInstance', [instanceId], () => {
      this.mustGet(instanceId).state = 'terminated';
    });
  }

  async readUserData(instanceId: string): Promise<string> {
    return this.call('readUserData', [instanceId], () => this.userData.get(instanceId) ?? '');
  }

  async ensureWorkstationRole(spec: WorkstationRoleSpec): Promise<string> {
    return this.call('ensureWorkstationRole', [spec], () => {
      this.roles.set(spec.launchId, spec);
      return `prism-ws-${spec.launchId}`;
    });
  }

  async removeWorkstationRole(launchId: string): Promise<void> {
    return this.call('removeWorkstationRole', [launchId], () => {
      this.roles.delete(launchId);
    });
  }

  async createFileSystem(spec: FileSystemSpec): Promise<string> {
    return this.call('createFileSystem', [spec], () => {
      const id = `fs-${spec.volumeId}`;
      if (!this.fileSystems.has(id)) this.fileSystems.set(id, { ...spec, accessPoints: new Map() });
      return id;
    });
  }

  async ensureMountTargets(fileSystemId: string): Promise<string[]> {
    return this.call('ensureMountTargets', [fileSystemId], () => [`fsmt-${fileSystemId}`]);
  }

  async ensureAccessPoint(spec: AccessPointSpec): Promise<string> {
    return this.call('ensureAccessPoint', [spec], () => {
      this.fileSystems.get(spec.fileSystemId)?.accessPoints.set(spec.user, spec);
      return `fsap-${spec.volumeId}-${spec.user}`;
    });
  }

  async deleteFileSystem(fileSystemId: string): Promise<void> {
    return this.call('deleteFileSystem', [fileSystemId], () => {
      this.fileSystems.delete(fileSystemId);
    });
  }

  /** Records the call, waits while held, fails when told to, does the work, answers unless the answer is lost. */
  private async call<T>(method: CloudMethod, args: unknown[], work: () => T): Promise<T> {
    this.calls.push({ method, args });
    this.onCall?.({ method, args });
    await this.holds.get(method);
    const failure = this.failures.get(method);
    if (failure) {
      if (--failure.left <= 0) this.failures.delete(method);
      throw failure.error;
    }
    const value = work();
    if (this.lostAnswers.delete(method)) {
      return new Promise<T>(() => undefined);
    }
    return value;
  }

  private create(
    spec: Pick<RunInstanceSpec, 'launchId' | 'instanceType' | 'imageId' | 'tags' | 'hibernation'> & { userData?: string },
    state: CloudInstanceState
  ): CloudInstance {
    const n = this.nextInstance++;
    const instance: CloudInstance = {
      instanceId: `i-${String(n).padStart(17, '0')}`,
      launchId: spec.launchId,
      state,
      instanceType: spec.instanceType,
      imageId: spec.imageId,
      privateIp: `10.0.0.${n}`,
      publicIp: null,
      tags: { ...spec.tags },
      launchTime: '2025-03-01T09:00:00.000Z',
      hibernation: spec.hibernation ?? false
    };
    this.instances.set(instance.instanceId, instance);
    if (spec.userData) {
      this.userData.set(instance.instanceId, spec.userData);
    }
    return instance;
  }

  private mustGet(instanceId: string): CloudInstance {
    const instance = this.instances.get(instanceId);
    if (!instance) {
      throw new Error(`fake cloud: no instance ${instanceId}`);
    }
    return instance;
  }
}
