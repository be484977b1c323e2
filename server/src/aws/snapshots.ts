/**
 * EBS snapshots of workstations' root volumes, and volumes restored from
 * them. Everything Prism makes is tagged (`prism:snapshot`, `prism:restore`)
 * and found by tag before it is made again; CreateSnapshot has no
 * ClientToken, CreateVolume has one (the restore id). Prism deletes only
 * what still carries its own tag.
 */
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  waitUntilVolumeAvailable,
  type Snapshot as Ec2Snapshot,
  type Tag,
  type Volume
} from '@aws-sdk/client-ec2';
import { PrismError } from '../domain/errors';
import type { CloudEbsVolume, CloudSnapshot, RestoreSnapshotSpec, SnapshotCloud, SnapshotSpec } from '../domain/ports';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';

const SNAPSHOT_TAG = 'prism:snapshot';
const RESTORE_TAG = 'prism:restore';
const VOLUME_AVAILABLE_WAIT_S = 300;

const tagsOf = (tags: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).filter(t => t.Key).map(t => [t.Key as string, t.Value ?? '']));
const tagList = (tags: Record<string, string>): Tag[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function toSnapshot(snapshot: Ec2Snapshot): CloudSnapshot {
  const tags = tagsOf(snapshot.Tags);
  return {
    snapshotId: tags[SNAPSHOT_TAG] ?? '',
    ebsSnapshotId: snapshot.SnapshotId as string,
    state: snapshot.State === 'completed' ? 'completed' : snapshot.State === 'error' || snapshot.State === 'recoverable' ? 'error' : 'pending',
    progress: snapshot.Progress ?? null,
    sizeGiB: snapshot.VolumeSize ?? 0,
    tags
  };
}

function toVolume(volume: Volume): CloudEbsVolume {
  const tags = tagsOf(volume.Tags);
  return {
    restoreId: tags[RESTORE_TAG] ?? '',
    volumeId: volume.VolumeId as string,
    sizeGiB: volume.Size ?? 0,
    state: volume.State ?? 'unknown',
    availabilityZone: volume.AvailabilityZone ?? '',
    attachedTo: (volume.Attachments ?? []).flatMap(a => (a.InstanceId ? [a.InstanceId] : []))
  };
}

const isNotFound = (error: unknown): boolean =>
  ['InvalidSnapshot.NotFound', 'InvalidVolume.NotFound'].includes((error as Error).name);

export function createSnapshotKeeper(clients: AwsClients, logger: Logger): SnapshotCloud {
  const { ec2 } = clients;

  async function snapshotsTagged(key: string, value?: string): Promise<Ec2Snapshot[]> {
    const filter = value === undefined ? { Name: 'tag-key', Values: [key] } : { Name: `tag:${key}`, Values: [value] };
    const found: Ec2Snapshot[] = [];
    try {
      for await (const page of paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ['self'], Filters: [filter] })) {
        found.push(...(page.Snapshots ?? []));
      }
    } catch (error) {
      throw toPrismError(error, 'ec2:DescribeSnapshots');
    }
    return found;
  }

  async function volumesTagged(key: string, value?: string): Promise<Volume[]> {
    const filter = value === undefined ? { Name: 'tag-key', Values: [key] } : { Name: `tag:${key}`, Values: [value] };
    const found: Volume[] = [];
    try {
      for await (const page of paginateDescribeVolumes({ client: ec2 }, { Filters: [filter] })) {
        found.push(...(page.Volumes ?? []));
      }
    } catch (error) {
      throw toPrismError(error, 'ec2:DescribeVolumes');
    }
    return found;
  }

  async function rootVolumeOf(instanceId: string): Promise<{ volumeId: string; availabilityZone: string }> {
    const answer = await awsCall('ec2:DescribeInstances', () => ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
    const instance = answer.Reservations?.[0]?.Instances?.[0];
    const root = instance?.BlockDeviceMappings?.find(m => m.DeviceName === instance.RootDeviceName) ?? instance?.BlockDeviceMappings?.[0];
    if (!instance || !root?.Ebs?.VolumeId) {
      throw new PrismError('NO_ROOT_VOLUME', 409, 'No root volume', `Instance ${instanceId} has no EBS root volume to snapshot.`, 'Snapshot a workstation whose instance still exists.');
    }
    return { volumeId: root.Ebs.VolumeId, availabilityZone: instance.Placement?.AvailabilityZone ?? '' };
  }

  async function snapshotRootVolume(spec: SnapshotSpec): Promise<CloudSnapshot & { availabilityZone: string }> {
    const root = await rootVolumeOf(spec.instanceId);
    const [existing] = await snapshotsTagged(SNAPSHOT_TAG, spec.snapshotId);
    if (existing) return { ...toSnapshot(existing), availabilityZone: root.availabilityZone };
    const made = await awsCall('ec2:CreateSnapshot', () =>
      ec2.send(
        new CreateSnapshotCommand({
          VolumeId: root.volumeId,
          Description: spec.description.slice(0, 255),
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: tagList(spec.tags) }]
        })
      )
    );
    logger.info({ snapshot: spec.snapshotId, ebsSnapshot: made.SnapshotId, volume: root.volumeId }, 'snapshot requested');
    return { ...toSnapshot({ ...made, Tags: made.Tags ?? tagList(spec.tags) }), availabilityZone: root.availabilityZone };
  }

  async function deleteSnapshot(ebsSnapshotId: string, snapshotId: string): Promise<void> {
    const [found] = (await snapshotsTagged(SNAPSHOT_TAG, snapshotId)).filter(s => s.SnapshotId === ebsSnapshotId);
    if (!found) return;
    try {
      await ec2.send(new DeleteSnapshotCommand({ SnapshotId: ebsSnapshotId }));
      logger.info({ snapshot: snapshotId, ebsSnapshot: ebsSnapshotId }, 'snapshot deleted');
    } catch (error) {
      if (!isNotFound(error)) throw toPrismError(error, 'ec2:DeleteSnapshot');
    }
  }

  async function restoreSnapshot(spec: RestoreSnapshotSpec): Promise<CloudEbsVolume> {
    let [volume] = await volumesTagged(RESTORE_TAG, spec.restoreId);
    if (!volume) {
      volume = await awsCall('ec2:CreateVolume', () =>
        ec2.send(
          new CreateVolumeCommand({
            ClientToken: spec.restoreId,
            SnapshotId: spec.ebsSnapshotId,
            AvailabilityZone: spec.availabilityZone,
            VolumeType: 'gp3',
            Encrypted: true,
            TagSpecifications: [{ ResourceType: 'volume', Tags: tagList(spec.tags) }]
          })
        )
      );
    }
    try {
      await waitUntilVolumeAvailable({ client: ec2, maxWaitTime: VOLUME_AVAILABLE_WAIT_S }, { VolumeIds: [volume.VolumeId as string] });
    } catch (error) {
      throw new PrismError(
        'RESTORE_TIMEOUT',
        504,
        'Volume not available yet',
        `Volume ${volume.VolumeId} made from the snapshot did not become available within ${VOLUME_AVAILABLE_WAIT_S} s: ${(error as Error).message}`,
        'It may still be creating; look in GET /storage, or restore again (the same volume is found, not made twice).'
      );
    }
    const answer = await awsCall('ec2:DescribeVolumes', () => ec2.send(new DescribeVolumesCommand({ VolumeIds: [volume.VolumeId as string] })));
    return toVolume(answer.Volumes?.[0] ?? volume);
  }

  async function deleteRestoredVolume(volumeId: string, restoreId: string): Promise<void> {
    const found = (await volumesTagged(RESTORE_TAG, restoreId)).find(v => v.VolumeId === volumeId);
    if (!found) return;
    try {
      await ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
      logger.info({ volume: volumeId, restore: restoreId }, 'restored volume deleted');
    } catch (error) {
      if (!isNotFound(error)) throw toPrismError(error, 'ec2:DeleteVolume');
    }
  }

  return {
    snapshotRootVolume,
    findSnapshots: async () => (await snapshotsTagged(SNAPSHOT_TAG)).map(toSnapshot),
    deleteSnapshot,
    restoreSnapshot,
    findRestoredVolumes: async () => (await volumesTagged(RESTORE_TAG)).map(toVolume),
    deleteRestoredVolume
  };
}
