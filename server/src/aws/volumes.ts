/**
 * EFS volumes (docs/api.md, "Volumes"): an encrypted file system per volume
 * with a lifecycle policy to Infrequent Access, mount targets in the default
 * VPC's subnets behind an NFS group that only the workstations' group reaches,
 * and one access point per user (their POSIX uid, their own root directory).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand
} from '@aws-sdk/client-ec2';
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  PutLifecycleConfigurationCommand
} from '@aws-sdk/client-efs';
import type { AccessPointSpec, FileSystemSpec } from '../domain/ports';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';
import { OWNER_TAG } from './instances';
import { MANAGED_TAG } from './security-group';

export const VOLUME_TAG = 'prism:volume';
export const PROJECT_TAG = 'prism:project';
export const NFS_GROUP_NAME = 'prism-efs';
const NFS_PORT = 2049;
const MOUNT_TARGET_GONE_WAIT_MS = 120_000;

export function createVolumeKeeper(clients: AwsClients, workstationGroup: () => Promise<string>, logger: Logger) {
  const { efs, ec2 } = clients;

  async function createFileSystem(spec: FileSystemSpec): Promise<string> {
    const created = await efs
      .send(
        new CreateFileSystemCommand({
          CreationToken: spec.volumeId,
          Encrypted: true,
          PerformanceMode: 'generalPurpose',
          ...(spec.automaticBackups && { Backup: true }),
          Tags: [
            { Key: 'Name', Value: `prism-${spec.name}` },
            { Key: VOLUME_TAG, Value: spec.volumeId },
            { Key: OWNER_TAG, Value: spec.owner },
            { Key: PROJECT_TAG, Value: spec.project ?? '' }
          ]
        })
      )
      .catch(async error => {
        // A retry of the same volume: its CreationToken names the file system made the first time.
        const found =
          (error as Error).name === 'FileSystemAlreadyExists'
            ? (await awsCall('elasticfilesystem:DescribeFileSystems', () => efs.send(new DescribeFileSystemsCommand({ CreationToken: spec.volumeId })))).FileSystems?.[0]
            : undefined;
        if (!found) throw toPrismError(error, 'elasticfilesystem:CreateFileSystem');
        return found;
      });
    const fileSystemId = created.FileSystemId as string;
    await awsCall('elasticfilesystem:PutLifecycleConfiguration', () =>
      efs.send(new PutLifecycleConfigurationCommand({ FileSystemId: fileSystemId, LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }] }))
    );
    logger.info({ volume: spec.volumeId, fileSystemId }, 'file system ready');
    return fileSystemId;
  }

  async function ensureMountTargets(fileSystemId: string): Promise<string[]> {
    const subnets = await awsCall('ec2:DescribeSubnets', () =>
      ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))
    );
    const existing = await mountTargets(fileSystemId);
    const covered = new Set(existing.map(t => t.SubnetId));
    const missing = (subnets.Subnets ?? []).filter(s => s.SubnetId && !covered.has(s.SubnetId));
    if (missing.length === 0) return existing.map(t => t.MountTargetId as string);
    const group = await nfsGroup(missing[0].VpcId as string);
    const made: string[] = [];
    for (const subnet of missing) {
      try {
        const target = await efs.send(
          new CreateMountTargetCommand({ FileSystemId: fileSystemId, SubnetId: subnet.SubnetId, SecurityGroups: [group] })
        );
        made.push(target.MountTargetId as string);
      } catch (error) {
        if ((error as Error).name !== 'MountTargetConflict') throw toPrismError(error, 'elasticfilesystem:CreateMountTarget');
      }
    }
    logger.info({ fileSystemId, made: made.length }, 'mount targets ready');
    return (await mountTargets(fileSystemId)).map(t => t.MountTargetId as string);
  }

  /** NFS from the workstations' group only. */
  async function nfsGroup(vpcId: string): Promise<string> {
    const source = await workstationGroup();
    const found = await awsCall('ec2:DescribeSecurityGroups', () =>
      ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'group-name', Values: [NFS_GROUP_NAME] }
          ]
        })
      )
    );
    let groupId = found.SecurityGroups?.[0]?.GroupId;
    if (!groupId) {
      const created = await awsCall('ec2:CreateSecurityGroup', () =>
        ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: NFS_GROUP_NAME,
            Description: 'Prism EFS volumes: NFS from Prism workstations',
            VpcId: vpcId,
            TagSpecifications: [{ ResourceType: 'security-group', Tags: [MANAGED_TAG] }]
          })
        )
      );
      groupId = created.GroupId as string;
    }
    const open = (found.SecurityGroups?.[0]?.IpPermissions ?? []).some(rule =>
      (rule.UserIdGroupPairs ?? []).some(pair => pair.GroupId === source)
    );
    if (!open) {
      try {
        await ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: NFS_PORT, ToPort: NFS_PORT, UserIdGroupPairs: [{ GroupId: source, Description: 'Prism workstations' }] }
            ]
          })
        );
      } catch (error) {
        if ((error as Error).name !== 'InvalidPermission.Duplicate') throw toPrismError(error, 'ec2:AuthorizeSecurityGroupIngress');
      }
    }
    return groupId;
  }

  async function ensureAccessPoint(spec: AccessPointSpec): Promise<string> {
    const existing = await accessPoints(spec.fileSystemId);
    const mine = existing.find(ap => (ap.Tags ?? []).some(t => t.Key === OWNER_TAG && t.Value === spec.user));
    if (mine?.AccessPointId) return mine.AccessPointId;
    const created = await awsCall('elasticfilesystem:CreateAccessPoint', () =>
      efs.send(
        new CreateAccessPointCommand({
          ClientToken: `${spec.volumeId}-${spec.user}`.slice(0, 64),
          FileSystemId: spec.fileSystemId,
          PosixUser: { Uid: spec.uid, Gid: spec.uid },
          RootDirectory: {
            Path: spec.rootDirectory,
            CreationInfo: { OwnerUid: spec.uid, OwnerGid: spec.uid, Permissions: '0750' }
          },
          Tags: [
            { Key: 'Name', Value: `prism-${spec.user}` },
            { Key: VOLUME_TAG, Value: spec.volumeId },
            { Key: OWNER_TAG, Value: spec.user }
          ]
        })
      )
    );
    logger.info({ volume: spec.volumeId, accessPoint: created.AccessPointId, uid: spec.uid }, 'access point made');
    return created.AccessPointId as string;
  }

  async function deleteFileSystem(fileSystemId: string): Promise<void> {
    if (!(await fileSystemExists(fileSystemId))) return;
    for (const ap of await accessPoints(fileSystemId)) {
      await awsCall('elasticfilesystem:DeleteAccessPoint', () => efs.send(new DeleteAccessPointCommand({ AccessPointId: ap.AccessPointId })));
    }
    for (const target of await mountTargets(fileSystemId)) {
      await awsCall('elasticfilesystem:DeleteMountTarget', () => efs.send(new DeleteMountTargetCommand({ MountTargetId: target.MountTargetId })));
    }
    // EFS refuses to delete a file system until its mount targets are gone.
    const deadline = Date.now() + MOUNT_TARGET_GONE_WAIT_MS;
    while ((await mountTargets(fileSystemId)).length > 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 2_000));
    }
    await awsCall('elasticfilesystem:DeleteFileSystem', () => efs.send(new DeleteFileSystemCommand({ FileSystemId: fileSystemId })));
    logger.info({ fileSystemId }, 'file system deleted');
  }

  async function fileSystemExists(fileSystemId: string): Promise<boolean> {
    try {
      await efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'FileSystemNotFound') return false;
      throw toPrismError(error, 'elasticfilesystem:DescribeFileSystems');
    }
  }

  async function mountTargets(fileSystemId: string) {
    const answer = await awsCall('elasticfilesystem:DescribeMountTargets', () =>
      efs.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId }))
    );
    return answer.MountTargets ?? [];
  }

  async function accessPoints(fileSystemId: string) {
    const answer = await awsCall('elasticfilesystem:DescribeAccessPoints', () =>
      efs.send(new DescribeAccessPointsCommand({ FileSystemId: fileSystemId }))
    );
    return answer.AccessPoints ?? [];
  }

  return { createFileSystem, ensureMountTargets, ensureAccessPoint, deleteFileSystem };
}
