/**
 * Prism's EC2 instances: launched once per launch id, found by tag, and
 * driven through their lifecycle (DESIGN, "Launch").
 *
 * One launch, one instance, whatever is lost on the way: before every try of
 * RunInstances, the SDK's own retries included, the launch's instance is
 * looked for by its `prism:launch` tag (the tags are part of RunInstances, so
 * an instance never exists untagged). An answer lost after EC2 acted (a reset
 * connection, a timeout) is then found instead of launched again. ClientToken
 * (the launch id) covers what the tag cannot: on AWS, a try whose instance
 * DescribeInstances does not show yet. Moto ignores ClientToken, so against
 * the emulator the tag alone protects, and the fault tests prove it does.
 */
import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  ModifyInstanceAttributeCommand,
  ModifyVolumeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstances,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  type Filter,
  type Instance,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput,
  type _InstanceType
} from '@aws-sdk/client-ec2';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { PrismError } from '../domain/errors';
import type { CloudInstance, CloudInstanceState, RunInstanceSpec } from '../domain/ports';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';
import type { ImageResolver } from './images';
import { whileProfilePropagates } from './profile-propagation';
import { decodeUserData, encodeUserData } from './user-data';

export const LAUNCH_TAG = 'prism:launch';
export const OWNER_TAG = 'prism:owner';

/** How long a new instance may take to reach `running`; AWS usually needs under a minute. */
export const RUNNING_WAIT = { maxWaitTime: 600, minDelay: 2, maxDelay: 15 };

/** Everything but terminated: an instance that still counts as the launch's. */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

export interface InstanceFilter {
  launchId?: string;
  owner?: string;
  states?: string[];
}

/** Thrown inside the retry loop to stop it: the launch's instance exists already. */
class AlreadyLaunched extends Error {
  constructor(readonly instance: CloudInstance) {
    super(`instance ${instance.instanceId} already launched`);
    this.name = 'AlreadyLaunched';
  }
}

export function createInstances(clients: AwsClients, images: ImageResolver, logger: Logger) {
  async function find(filter: InstanceFilter = {}): Promise<CloudInstance[]> {
    const filters: Filter[] = [{ Name: 'tag-key', Values: [LAUNCH_TAG] }];
    if (filter.launchId !== undefined) filters.push({ Name: `tag:${LAUNCH_TAG}`, Values: [filter.launchId] });
    if (filter.owner !== undefined) filters.push({ Name: `tag:${OWNER_TAG}`, Values: [filter.owner] });
    if (filter.states !== undefined) filters.push({ Name: 'instance-state-name', Values: filter.states });
    const found: CloudInstance[] = [];
    await awsCall('ec2:DescribeInstances', async () => {
      for await (const page of paginateDescribeInstances({ client: clients.ec2 }, { Filters: filters })) {
        for (const reservation of page.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) found.push(toCloudInstance(instance));
        }
      }
    });
    return found;
  }

  async function describe(instanceId: string): Promise<CloudInstance> {
    const answer = await awsCall('ec2:DescribeInstances', () =>
      clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))
    );
    const instance = answer.Reservations?.[0]?.Instances?.[0];
    if (!instance) throw instanceNotFound(instanceId);
    return toCloudInstance(instance);
  }

  async function run(spec: RunInstanceSpec): Promise<CloudInstance> {
    const log = logger.child({ workstation: spec.launchId });
    const userData = encodeUserData(spec.userData);
    const image = await images.describe(spec.imageId);
    const tags = Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value }));
    let found: CloudInstance | undefined;
    const lookFirst = async (): Promise<void> => {
      [found] = await find({ launchId: spec.launchId, states: LIVE_STATES });
      if (found) throw new AlreadyLaunched(found);
    };
    const runOnce = (): Promise<RunInstancesCommandOutput> =>
      clients.ec2.send(
        lookingFirst(
          new RunInstancesCommand({
            ClientToken: spec.launchId,
            MinCount: 1,
            MaxCount: 1,
            ImageId: spec.imageId,
            InstanceType: spec.instanceType as _InstanceType,
            SecurityGroupIds: [spec.securityGroupId],
            KeyName: spec.keyName,
            ...(spec.instanceProfile && { IamInstanceProfile: { Name: spec.instanceProfile } }),
            ...(spec.hibernation && { HibernationOptions: { Configured: true } }),
            UserData: userData,
            BlockDeviceMappings: [
              {
                DeviceName: image.rootDeviceName,
                Ebs: { VolumeSize: spec.rootVolumeGiB, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: true }
              }
            ],
            MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
            TagSpecifications: [
              { ResourceType: 'instance', Tags: tags },
              { ResourceType: 'volume', Tags: tags }
            ]
          }),
          lookFirst
        )
      );
    let answer: RunInstancesCommandOutput;
    try {
      answer = await awsCall('ec2:RunInstances', () => whileProfilePropagates(runOnce));
    } catch (error) {
      // The marker may come back re-wrapped by the SDK; what was found is what counts.
      if (!found) throw error;
      log.info({ instanceId: found.instanceId }, 'instance already launched, reusing it');
      return found;
    }
    const instance = answer.Instances?.[0];
    if (!instance) {
      throw toPrismError(new Error('RunInstances returned no instance'), 'ec2:RunInstances');
    }
    log.info({ instanceId: instance.InstanceId, instanceType: spec.instanceType }, 'instance launched');
    return toCloudInstance(instance);
  }

  async function waitUntilRunning(instanceId: string): Promise<CloudInstance> {
    try {
      await waitUntilInstanceRunning({ client: clients.ec2, ...RUNNING_WAIT }, { InstanceIds: [instanceId] });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      // The waiter's own error says little; the instance's state says why.
      const instance = await describe(instanceId);
      if (instance.state !== 'running') throw didNotStart(instance, timedOut);
    }
    return describe(instanceId);
  }

  async function stop(instanceId: string, hibernate = false): Promise<void> {
    await awsCall('ec2:StopInstances', () =>
      clients.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId], Hibernate: hibernate }))
    );
  }

  async function start(instanceId: string): Promise<void> {
    await awsCall('ec2:StartInstances', () => clients.ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] })));
  }

  /** EC2 changes the type of a stopped instance only; a stop just asked for takes a while on AWS. */
  async function changeType(instanceId: string, instanceType: string): Promise<void> {
    await awsCall('ec2:DescribeInstances', () =>
      waitUntilInstanceStopped({ client: clients.ec2, ...RUNNING_WAIT }, { InstanceIds: [instanceId] })
    );
    await awsCall('ec2:ModifyInstanceAttribute', () =>
      clients.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, InstanceType: { Value: instanceType } }))
    );
  }

  async function growRootVolume(instanceId: string, sizeGiB: number): Promise<void> {
    const answer = await awsCall('ec2:DescribeInstances', () =>
      clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))
    );
    const instance = answer.Reservations?.[0]?.Instances?.[0];
    if (!instance) throw instanceNotFound(instanceId);
    const root = instance.BlockDeviceMappings?.find(m => m.DeviceName === instance.RootDeviceName) ?? instance.BlockDeviceMappings?.[0];
    const volumeId = root?.Ebs?.VolumeId;
    if (!volumeId) throw instanceNotFound(instanceId);
    await awsCall('ec2:ModifyVolume', () => clients.ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: sizeGiB })));
  }

  async function terminate(instanceId: string): Promise<void> {
    await awsCall('ec2:TerminateInstances', () =>
      clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }))
    );
  }

  async function readUserData(instanceId: string): Promise<string> {
    const answer = await awsCall('ec2:DescribeInstanceAttribute', () =>
      clients.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }))
    );
    return decodeUserData(answer.UserData?.Value ?? '');
  }

  return { find, describe, run, waitUntilRunning, stop, start, changeType, growRootVolume, terminate, readUserData };
}

/**
 * `before` runs inside the SDK's retry loop, before each try is sent: after
 * the retry middleware, so a retry after a lost answer runs it again.
 */
function lookingFirst<C extends RunInstancesCommand>(command: C, before: () => Promise<void>): C {
  const middleware: FinalizeRequestMiddleware<RunInstancesCommandInput, RunInstancesCommandOutput> = next => async args => {
    await before();
    return next(args);
  };
  command.middlewareStack.addRelativeTo(middleware, {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'prismFindLaunchedInstance',
    override: true
  });
  return command;
}

function toCloudInstance(instance: Instance): CloudInstance {
  const tags = Object.fromEntries((instance.Tags ?? []).map(tag => [tag.Key ?? '', tag.Value ?? '']));
  return {
    instanceId: instance.InstanceId ?? '',
    launchId: tags[LAUNCH_TAG] ?? '',
    state: (instance.State?.Name ?? 'pending') as CloudInstanceState,
    instanceType: instance.InstanceType ?? '',
    imageId: instance.ImageId ?? '',
    privateIp: instance.PrivateIpAddress ?? null,
    publicIp: instance.PublicIpAddress ?? null,
    tags,
    launchTime: instance.LaunchTime?.toISOString() ?? null,
    hibernation: instance.HibernationOptions?.Configured ?? false
  };
}

function instanceNotFound(instanceId: string): PrismError {
  return new PrismError(
    'INSTANCE_NOT_FOUND',
    404,
    'Instance not found',
    `AWS does not know the instance ${instanceId}.`,
    'It may have been terminated outside Prism; refresh the list of workstations.'
  );
}

function didNotStart(instance: CloudInstance, timedOut: boolean): PrismError {
  return timedOut
    ? new PrismError(
        'INSTANCE_START_TIMEOUT',
        504,
        'The instance did not start in time',
        `${instance.instanceId} is still ${instance.state} after ${RUNNING_WAIT.maxWaitTime} seconds.`,
        'Look at the instance in the EC2 console; terminate it and launch again if it stays stuck.'
      )
    : new PrismError(
        'INSTANCE_FAILED_TO_START',
        502,
        'The instance did not start',
        `${instance.instanceId} went to ${instance.state} instead of running.`,
        'The EC2 console shows the state reason (often a capacity, volume or image problem); launch again or pick another size.'
      );
}
