/**
 * The IAM policy statement that grants one action Prism calls, scoped as
 * docs/iam-policy.json scopes it, so an admin can paste it into the policy of
 * the role or user Prism runs as.
 */
import type { PolicyStatement } from '../contract/events';

const WORKSTATION_ROLES = 'arn:aws:iam::*:role/prism-ws-*';
const WORKSTATION_PROFILES = 'arn:aws:iam::*:instance-profile/prism-ws-*';
const REPORT_BUCKETS = ['arn:aws:s3:::prism-*', 'arn:aws:s3:::prism-*/*'];

export function policyStatementFor(action: string): PolicyStatement {
  const statement: PolicyStatement = {
    Sid: `Allow${action.replace(/[^A-Za-z0-9]/g, '')}`,
    Effect: 'Allow',
    Action: action,
    Resource: resourceOf(action)
  };
  // Prism only ever hands its workstations' roles to EC2.
  if (action === 'iam:PassRole') statement.Condition = { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } };
  return statement;
}

function resourceOf(action: string): string | string[] {
  if (action.startsWith('s3:')) return REPORT_BUCKETS;
  if (action.startsWith('iam:')) return /InstanceProfile/.test(action) ? WORKSTATION_PROFILES : WORKSTATION_ROLES;
  return '*';
}
