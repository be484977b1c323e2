/**
 * The project space's access points on EFS (domain/project-space.ts): one
 * per member, rooted at the project folder, which the first of them makes
 * with the project's gid and mode 2775. Found again by tag, so a retried or
 * resumed call makes no second one; one with another identity is not reused.
 */
import { CreateAccessPointCommand, DeleteAccessPointCommand, DescribeAccessPointsCommand } from '@aws-sdk/client-efs';
import { PROJECT_FOLDER_MODE, type SpaceAccessPointSpec } from '../domain/project-space';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';
import { OWNER_TAG } from './instances';
import { VOLUME_TAG } from './volumes';

const ACCESS_TAG = 'prism:access';

export function createSpaceAccessPoints(clients: () => AwsClients, logger: Logger) {
  async function ensureSpaceAccessPoint(spec: SpaceAccessPointSpec): Promise<string> {
    const { efs } = clients();
    const access = spec.readOnly ? 'read' : 'read-write';
    const existing = await awsCall('elasticfilesystem:DescribeAccessPoints', () => efs.send(new DescribeAccessPointsCommand({ FileSystemId: spec.fileSystemId })));
    const tagged = (ap: { Tags?: { Key?: string; Value?: string }[] }, key: string, value: string): boolean => (ap.Tags ?? []).some(t => t.Key === key && t.Value === value);
    const same = (existing.AccessPoints ?? []).find(
      ap => tagged(ap, OWNER_TAG, spec.user) && tagged(ap, ACCESS_TAG, access) && ap.PosixUser?.Uid === spec.uid && ap.PosixUser?.Gid === spec.gid && ap.RootDirectory?.Path === spec.rootDirectory
    );
    if (same?.AccessPointId) return same.AccessPointId;
    const created = await awsCall('elasticfilesystem:CreateAccessPoint', () =>
      efs.send(
        new CreateAccessPointCommand({
          ClientToken: `${spec.spaceId}-${spec.uid}-${spec.gid}`.slice(0, 64),
          FileSystemId: spec.fileSystemId,
          PosixUser: { Uid: spec.uid, Gid: spec.gid },
          RootDirectory: {
            Path: spec.rootDirectory,
            // Root owns the folder, so no member can chmod the others out; the group writes.
            CreationInfo: { OwnerUid: 0, OwnerGid: spec.folderGid, Permissions: PROJECT_FOLDER_MODE }
          },
          Tags: [
            { Key: 'Name', Value: `prism-${spec.user}` },
            { Key: VOLUME_TAG, Value: spec.spaceId },
            { Key: OWNER_TAG, Value: spec.user },
            { Key: ACCESS_TAG, Value: access }
          ]
        })
      )
    );
    logger.info({ space: spec.spaceId, accessPoint: created.AccessPointId, uid: spec.uid, gid: spec.gid }, 'project space access point made');
    return created.AccessPointId as string;
  }

  async function deleteAccessPoint(accessPointId: string): Promise<void> {
    const { efs } = clients();
    try {
      await efs.send(new DeleteAccessPointCommand({ AccessPointId: accessPointId }));
    } catch (error) {
      if ((error as Error).name === 'AccessPointNotFound') return;
      throw toPrismError(error, 'elasticfilesystem:DeleteAccessPoint');
    }
  }

  return { ensureSpaceAccessPoint, deleteAccessPoint };
}
