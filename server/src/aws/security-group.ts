/**
 * The workstations' security group in the default VPC: SSH and Jupyter open
 * to PRISM_INGRESS_CIDR, or to the VPC itself when that is unset.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type SecurityGroup
} from '@aws-sdk/client-ec2';
import type { Config } from '../config';
import { PrismError } from '../domain/errors';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';

export const SECURITY_GROUP_NAME = 'prism-workstations';
export const WORKSTATION_PORTS = [22, 8888];
export const MANAGED_TAG = { Key: 'prism:managed', Value: 'true' };

interface Vpc {
  vpcId: string;
  cidr: string;
}

/**
 * Returns the group id; safe to call from parallel launches. Looked up once
 * per service, unless `cache` is false (PRISM_CLOUD_CACHE_OFF, a benchmark baseline).
 */
export function createSecurityGroupKeeper(
  clients: AwsClients,
  config: Pick<Config, 'ingressCidr'>,
  logger: Logger,
  cache = true
): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    if (!cache) return ensureSecurityGroup(clients, config, logger);
    pending ??= ensureSecurityGroup(clients, config, logger).catch(error => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function ensureSecurityGroup(
  clients: AwsClients,
  config: Pick<Config, 'ingressCidr'>,
  logger: Logger
): Promise<string> {
  const vpc = await defaultVpc(clients);
  const group = (await findGroup(clients, vpc.vpcId)) ?? (await createGroup(clients, vpc.vpcId, logger));
  const cidr = config.ingressCidr ?? vpc.cidr;
  await openMissingPorts(clients, group, cidr);
  return group.GroupId as string;
}

async function defaultVpc(clients: AwsClients): Promise<Vpc> {
  const answer = await awsCall('ec2:DescribeVpcs', () =>
    clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))
  );
  const vpc = answer.Vpcs?.[0];
  if (!vpc?.VpcId || !vpc.CidrBlock) {
    throw new PrismError(
      'NO_DEFAULT_VPC',
      409,
      'No default VPC',
      `The region ${clients.region} has no default VPC for workstations.`,
      'Create one with `aws ec2 create-default-vpc`, or run Prism in a region that has one.'
    );
  }
  return { vpcId: vpc.VpcId, cidr: vpc.CidrBlock };
}

async function findGroup(clients: AwsClients, vpcId: string): Promise<SecurityGroup | undefined> {
  const answer = await awsCall('ec2:DescribeSecurityGroups', () =>
    clients.ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: [SECURITY_GROUP_NAME] }
        ]
      })
    )
  );
  return answer.SecurityGroups?.[0];
}

async function createGroup(clients: AwsClients, vpcId: string, logger: Logger): Promise<SecurityGroup> {
  try {
    const created = await clients.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: SECURITY_GROUP_NAME,
        Description: 'Prism research workstations: SSH and Jupyter',
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [MANAGED_TAG] }]
      })
    );
    logger.info({ groupId: created.GroupId, vpcId }, 'created the workstation security group');
    return { GroupId: created.GroupId, IpPermissions: [] };
  } catch (error) {
    // Another Prism replica made it between our look and our create.
    if ((error as Error).name === 'InvalidGroup.Duplicate') {
      const group = await findGroup(clients, vpcId);
      if (group) return group;
    }
    throw toPrismError(error, 'ec2:CreateSecurityGroup');
  }
}

async function openMissingPorts(clients: AwsClients, group: SecurityGroup, cidr: string): Promise<void> {
  const open = (port: number) =>
    (group.IpPermissions ?? []).some(
      rule =>
        rule.IpProtocol === 'tcp' &&
        (rule.FromPort ?? -1) <= port &&
        port <= (rule.ToPort ?? -1) &&
        (rule.IpRanges ?? []).some(range => range.CidrIp === cidr)
    );
  const missing = WORKSTATION_PORTS.filter(port => !open(port));
  if (missing.length === 0) return;
  try {
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId,
        IpPermissions: missing.map(port => ({
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
          IpRanges: [{ CidrIp: cidr, Description: 'Prism workstations' }]
        }))
      })
    );
  } catch (error) {
    if ((error as Error).name !== 'InvalidPermission.Duplicate') {
      throw toPrismError(error, 'ec2:AuthorizeSecurityGroupIngress');
    }
  }
}
