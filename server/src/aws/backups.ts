/**
 * Backups of EFS volumes: AWS Backup's vault, daily plan and tag selection
 * for Prism's file systems, or EFS's own backup policy where AWS Backup is
 * not at hand; recovery points, restore jobs into a new file system, and the
 * file systems' metered sizes. AWS Backup runs as the `prism-backup` role,
 * made here with AWS's managed policies for backing up and restoring.
 */
import {
  CreateBackupPlanCommand,
  CreateBackupSelectionCommand,
  CreateBackupVaultCommand,
  DescribeRestoreJobCommand,
  ListBackupSelectionsCommand,
  ListBackupVaultsCommand,
  paginateListBackupPlans,
  paginateListRecoveryPointsByResource,
  StartRestoreJobCommand,
  type RecoveryPointByResource
} from '@aws-sdk/client-backup';
import {
  DescribeBackupPolicyCommand,
  DescribeFileSystemsCommand,
  paginateDescribeFileSystems,
  PutBackupPolicyCommand,
  PutLifecycleConfigurationCommand,
  TagResourceCommand,
  type FileSystemDescription
} from '@aws-sdk/client-efs';
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import type { BackupCloud, BackupPlanSpec, CloudRecoveryPoint, CloudRestoreJob, FileSystemSpec } from '../domain/ports';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';

export const BACKUP_ROLE = 'prism-backup';
export const BACKUP_SELECTION = 'prism-volumes';
const MANAGED_POLICIES = [
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores'
];
const BACKUP_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }]
});
/** 05:00 UTC, daily: after most of a research day's writes, before the next. */
const DAILY_AT_FIVE = 'cron(0 5 ? * * *)';

const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

function toRecoveryPoint(point: RecoveryPointByResource): CloudRecoveryPoint {
  return {
    arn: point.RecoveryPointArn as string,
    createdAt: iso(point.CreationDate),
    status: point.Status ?? 'UNKNOWN',
    sizeBytes: point.BackupSizeBytes ?? null,
    expiresAt: null,
    vault: point.BackupVaultName ?? null
  };
}

export function createBackupKeeper(clients: AwsClients, logger: Logger): BackupCloud {
  const { backup, efs, iam } = clients;

  async function awsBackupAvailable(): Promise<boolean> {
    try {
      await backup.send(new ListBackupVaultsCommand({ MaxResults: 1 }));
      return true;
    } catch (error) {
      logger.info({ err: error }, 'AWS Backup does not answer (backup:ListBackupVaults)');
      return false;
    }
  }

  async function ensureVault(name: string): Promise<void> {
    try {
      await backup.send(new CreateBackupVaultCommand({ BackupVaultName: name, CreatorRequestId: name, BackupVaultTags: { 'prism:managed': 'true' } }));
    } catch (error) {
      if ((error as Error).name !== 'AlreadyExistsException') throw toPrismError(error, 'backup:CreateBackupVault');
    }
  }

  async function ensurePlan(spec: BackupPlanSpec): Promise<string> {
    try {
      for await (const page of paginateListBackupPlans({ client: backup }, {})) {
        const found = (page.BackupPlansList ?? []).find(p => p.BackupPlanName === spec.plan);
        if (found?.BackupPlanId) return found.BackupPlanId;
      }
    } catch (error) {
      throw toPrismError(error, 'backup:ListBackupPlans');
    }
    const made = await awsCall('backup:CreateBackupPlan', () =>
      backup.send(
        new CreateBackupPlanCommand({
          CreatorRequestId: spec.plan,
          BackupPlanTags: { 'prism:managed': 'true' },
          BackupPlan: {
            BackupPlanName: spec.plan,
            Rules: [
              {
                RuleName: 'daily',
                TargetBackupVaultName: spec.vault,
                ScheduleExpression: DAILY_AT_FIVE,
                StartWindowMinutes: 60,
                CompletionWindowMinutes: 720,
                Lifecycle: { DeleteAfterDays: spec.retentionDays }
              }
            ]
          }
        })
      )
    );
    return made.BackupPlanId as string;
  }

  async function ensureRole(): Promise<string> {
    const existing = await iam.send(new GetRoleCommand({ RoleName: BACKUP_ROLE })).catch(error => {
      if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') return undefined;
      throw toPrismError(error, 'iam:GetRole');
    });
    const arn =
      existing?.Role?.Arn ??
      (
        await awsCall('iam:CreateRole', () =>
          iam.send(new CreateRoleCommand({ RoleName: BACKUP_ROLE, AssumeRolePolicyDocument: BACKUP_TRUST, Description: 'AWS Backup for Prism volumes', Tags: [{ Key: 'prism:managed', Value: 'true' }] }))
        )
      ).Role?.Arn;
    for (const policy of MANAGED_POLICIES) {
      await awsCall('iam:AttachRolePolicy', () => iam.send(new AttachRolePolicyCommand({ RoleName: BACKUP_ROLE, PolicyArn: policy })));
    }
    return arn as string;
  }

  async function ensureBackupPlan(spec: BackupPlanSpec): Promise<void> {
    await ensureVault(spec.vault);
    const planId = await ensurePlan(spec);
    const roleArn = await ensureRole();
    const selections = await awsCall('backup:ListBackupSelections', () => backup.send(new ListBackupSelectionsCommand({ BackupPlanId: planId })));
    if ((selections.BackupSelectionsList ?? []).some(s => s.SelectionName === BACKUP_SELECTION)) return;
    await awsCall('backup:CreateBackupSelection', () =>
      backup.send(
        new CreateBackupSelectionCommand({
          BackupPlanId: planId,
          CreatorRequestId: `${spec.plan}-${BACKUP_SELECTION}`,
          BackupSelection: {
            SelectionName: BACKUP_SELECTION,
            IamRoleArn: roleArn,
            Resources: ['arn:aws:elasticfilesystem:*:*:file-system/*'],
            Conditions: { StringLike: [{ ConditionKey: `aws:ResourceTag/${spec.tagKey}`, ConditionValue: '*' }] }
          }
        })
      )
    );
    logger.info({ plan: spec.plan, vault: spec.vault, selection: BACKUP_SELECTION }, 'AWS Backup plan ready');
  }

  async function fileSystemBackupsEnabled(fileSystemId: string): Promise<boolean> {
    try {
      const answer = await efs.send(new DescribeBackupPolicyCommand({ FileSystemId: fileSystemId }));
      return answer.BackupPolicy?.Status === 'ENABLED' || answer.BackupPolicy?.Status === 'ENABLING';
    } catch (error) {
      if ((error as Error).name === 'PolicyNotFound') return false;
      throw toPrismError(error, 'elasticfilesystem:DescribeBackupPolicy');
    }
  }

  async function enableFileSystemBackups(fileSystemId: string): Promise<void> {
    await awsCall('elasticfilesystem:PutBackupPolicy', () =>
      efs.send(new PutBackupPolicyCommand({ FileSystemId: fileSystemId, BackupPolicy: { Status: 'ENABLED' } }))
    );
  }

  async function fileSystem(fileSystemId: string): Promise<FileSystemDescription> {
    const answer = await awsCall('elasticfilesystem:DescribeFileSystems', () => efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId })));
    return answer.FileSystems?.[0] as FileSystemDescription;
  }

  async function listRecoveryPoints(fileSystemId: string): Promise<CloudRecoveryPoint[]> {
    const { FileSystemArn } = await fileSystem(fileSystemId);
    const points: CloudRecoveryPoint[] = [];
    try {
      for await (const page of paginateListRecoveryPointsByResource({ client: backup }, { ResourceArn: FileSystemArn })) {
        points.push(...(page.RecoveryPoints ?? []).map(toRecoveryPoint));
      }
    } catch (error) {
      throw toPrismError(error, 'backup:ListRecoveryPointsByResource');
    }
    return points;
  }

  async function startRestore(spec: { restoreId: string; recoveryPointArn: string; fileSystemId: string }): Promise<string> {
    const roleArn = await ensureRole();
    const started = await awsCall('backup:StartRestoreJob', () =>
      backup.send(
        new StartRestoreJobCommand({
          RecoveryPointArn: spec.recoveryPointArn,
          IamRoleArn: roleArn,
          IdempotencyToken: spec.restoreId,
          ResourceType: 'EFS',
          Metadata: {
            'file-system-id': spec.fileSystemId,
            newFileSystem: 'true',
            Encrypted: 'true',
            PerformanceMode: 'generalPurpose',
            CreationToken: spec.restoreId
          }
        })
      )
    );
    logger.info({ restore: spec.restoreId, job: started.RestoreJobId }, 'restore job started');
    return started.RestoreJobId as string;
  }

  async function restoreJob(jobId: string): Promise<CloudRestoreJob> {
    const job = await awsCall('backup:DescribeRestoreJob', () => backup.send(new DescribeRestoreJobCommand({ RestoreJobId: jobId })));
    const fileSystemId = job.CreatedResourceArn?.split('/').pop() ?? null;
    if (job.Status === 'COMPLETED') return { state: 'completed', fileSystemId, message: null };
    if (job.Status === 'FAILED' || job.Status === 'ABORTED') return { state: 'failed', fileSystemId: null, message: job.StatusMessage ?? job.Status };
    return { state: 'running', fileSystemId: null, message: null };
  }

  async function adoptFileSystem(fileSystemId: string, spec: FileSystemSpec): Promise<void> {
    await awsCall('elasticfilesystem:TagResource', () =>
      efs.send(
        new TagResourceCommand({
          ResourceId: fileSystemId,
          Tags: [
            { Key: 'Name', Value: `prism-${spec.name}` },
            { Key: 'prism:volume', Value: spec.volumeId },
            { Key: 'prism:owner', Value: spec.owner },
            { Key: 'prism:project', Value: spec.project ?? '' }
          ]
        })
      )
    );
    await awsCall('elasticfilesystem:PutLifecycleConfiguration', () =>
      efs.send(new PutLifecycleConfigurationCommand({ FileSystemId: fileSystemId, LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }] }))
    );
  }

  async function fileSystemSizes(fileSystemIds: string[]): Promise<Record<string, { standard: number; infrequentAccess: number }>> {
    if (fileSystemIds.length === 0) return {};
    const wanted = new Set(fileSystemIds);
    const sizes: Record<string, { standard: number; infrequentAccess: number }> = {};
    try {
      for await (const page of paginateDescribeFileSystems({ client: efs }, {})) {
        for (const fs of page.FileSystems ?? []) {
          if (!fs.FileSystemId || !wanted.has(fs.FileSystemId)) continue;
          const size = fs.SizeInBytes;
          const infrequentAccess = size?.ValueInIA ?? 0;
          sizes[fs.FileSystemId] = { standard: size?.ValueInStandard ?? Math.max(0, (size?.Value ?? 0) - infrequentAccess), infrequentAccess };
        }
      }
    } catch (error) {
      throw toPrismError(error, 'elasticfilesystem:DescribeFileSystems');
    }
    return sizes;
  }

  return {
    awsBackupAvailable,
    ensureBackupPlan,
    fileSystemBackupsEnabled,
    enableFileSystemBackups,
    listRecoveryPoints,
    startRestore,
    restoreJob,
    adoptFileSystem,
    fileSystemSizes
  };
}
