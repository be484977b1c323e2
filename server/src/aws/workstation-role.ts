/**
 * Each workstation's own IAM role and instance profile, `prism-ws-<launch id>`
 * (DESIGN, launch step 3, "IAM for S3"): Mountpoint for S3 on the instance
 * reads the researcher's datasets with it, and a workstation that reports
 * through S3 writes its report objects with it. One role per workstation, so
 * it reaches exactly its own datasets and its own report prefix, and goes
 * away with it.
 */
import { AssociateIamInstanceProfileCommand, DescribeIamInstanceProfileAssociationsCommand } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  type InstanceProfile
} from '@aws-sdk/client-iam';
import { desiredStateKey } from '../domain/mount-spec';
import type { WorkstationRoleSpec } from '../domain/ports';
import type { Logger } from '../logger';
import { REPORT_PREFIX } from './boot-report-inbox';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';
import { LAUNCH_TAG, OWNER_TAG } from './instances';

export const WORKSTATION_ROLE_PREFIX = 'prism-ws-';
export const WORKSTATION_POLICY_NAME = 'prism-workstation-s3';

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]
});

/** The role's and the instance profile's name. */
export function workstationRoleName(launchId: string): string {
  return `${WORKSTATION_ROLE_PREFIX}${launchId}`;
}

interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string[]>>;
}

/** Exactly what the workstation needs in S3, and nothing else. */
export function workstationPolicy(spec: WorkstationRoleSpec): string {
  const statements: PolicyStatement[] = spec.datasets.flatMap((dataset, i) => {
    const list: PolicyStatement = {
      Sid: `ListDataset${i + 1}`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${dataset.bucket}`,
      ...(dataset.prefix && { Condition: { StringLike: { 's3:prefix': [`${dataset.prefix}*`] } } })
    };
    const objects: PolicyStatement = {
      Sid: `${dataset.readOnly ? 'Read' : 'ReadWrite'}Dataset${i + 1}`,
      Effect: 'Allow',
      Action: dataset.readOnly
        ? 's3:GetObject'
        : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: `arn:aws:s3:::${dataset.bucket}/${dataset.prefix}*`
    };
    return [list, objects];
  });
  if (spec.reportBucket) {
    statements.push({
      Sid: 'WriteBootReports',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${spec.reportBucket}/${REPORT_PREFIX}/${spec.launchId}/*`
    });
    statements.push({
      Sid: 'ReadDesiredState',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${spec.reportBucket}/${desiredStateKey(spec.launchId)}`
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function createWorkstationRoles(clients: AwsClients, logger: Logger) {
  const { iam, ec2 } = clients;

  /** Idempotent: a resumed launch calls it again and finds what the first call made. */
  async function ensure(spec: WorkstationRoleSpec): Promise<string> {
    const name = workstationRoleName(spec.launchId);
    const tags = [
      { Key: LAUNCH_TAG, Value: spec.launchId },
      { Key: OWNER_TAG, Value: spec.owner }
    ];
    // The role first and the profile last, so that "no role" means "nothing to remove".
    if (!(await exists('iam:GetRole', () => iam.send(new GetRoleCommand({ RoleName: name }))))) {
      await unlessExists('iam:CreateRole', () =>
        iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: EC2_TRUST,
            Description: `Prism workstation ${spec.launchId}: its datasets and boot reports in S3`,
            Tags: tags
          })
        )
      );
    }
    // Written every time: the same document, so a resumed launch changes nothing. IAM refuses a
    // policy without statements: a workstation left with nothing to reach (all detached) has none.
    if (spec.datasets.length > 0 || spec.reportBucket) {
      await awsCall('iam:PutRolePolicy', () =>
        iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: WORKSTATION_POLICY_NAME, PolicyDocument: workstationPolicy(spec) }))
      );
    } else {
      await unlessGone('iam:DeleteRolePolicy', () => iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: WORKSTATION_POLICY_NAME })));
    }
    const profile = await instanceProfile(name);
    if (!profile) {
      await unlessExists('iam:CreateInstanceProfile', () =>
        iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Tags: tags }))
      );
    }
    if (!(profile?.Roles ?? []).some(role => role.RoleName === name)) {
      await awsCall('iam:AddRoleToInstanceProfile', () =>
        iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }))
      );
    }
    if (spec.instanceId) await wear(spec.instanceId, name);
    logger.info({ workstation: spec.launchId, instanceProfile: name, datasets: spec.datasets.length }, 'workstation role ready');
    return name;
  }

  /** A running instance launched without a profile gets it now (storage attached after launch); one that has it keeps it. */
  async function wear(instanceId: string, profile: string): Promise<void> {
    const associations = await awsCall('ec2:DescribeIamInstanceProfileAssociations', () =>
      ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }))
    );
    const live = (associations.IamInstanceProfileAssociations ?? []).filter(a => a.State === 'associated' || a.State === 'associating');
    if (live.length > 0) return;
    await awsCall('ec2:AssociateIamInstanceProfile', () =>
      ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Name: profile } }))
    );
    logger.info({ instanceId, instanceProfile: profile }, 'instance profile associated with a running workstation');
  }

  /** Profile, policy, role; whatever is already gone is skipped. */
  async function remove(launchId: string): Promise<void> {
    const name = workstationRoleName(launchId);
    if (!(await exists('iam:GetRole', () => iam.send(new GetRoleCommand({ RoleName: name }))))) return;
    const profile = await instanceProfile(name);
    if (profile) {
      for (const role of profile.Roles ?? []) {
        await unlessGone('iam:RemoveRoleFromInstanceProfile', () =>
          iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: name, RoleName: role.RoleName }))
        );
      }
      await unlessGone('iam:DeleteInstanceProfile', () => iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name })));
    }
    await unlessGone('iam:DeleteRolePolicy', () =>
      iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: WORKSTATION_POLICY_NAME }))
    );
    await unlessGone('iam:DeleteRole', () => iam.send(new DeleteRoleCommand({ RoleName: name })));
    logger.info({ workstation: launchId, instanceProfile: name }, 'workstation role removed');
  }

  async function instanceProfile(name: string): Promise<InstanceProfile | undefined> {
    try {
      return (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }))).InstanceProfile;
    } catch (error) {
      if (isNoSuchEntity(error)) return undefined;
      throw toPrismError(error, 'iam:GetInstanceProfile');
    }
  }

  return { ensure, remove };
}

async function exists(action: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw toPrismError(error, action);
  }
}

/** Another replica, or the first try of a retried call, may have made it already. */
async function unlessExists(action: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if ((error as Error).name !== 'EntityAlreadyExistsException') throw toPrismError(error, action);
  }
}

async function unlessGone(action: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isNoSuchEntity(error)) throw toPrismError(error, action);
  }
}

function isNoSuchEntity(error: unknown): boolean {
  return (error as Error).name === 'NoSuchEntityException';
}
