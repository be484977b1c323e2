/** Who Prism is on AWS: the account (for names like the report bucket's) and the region. */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients';
import { awsCall } from './errors';

export async function callerIdentity(clients: AwsClients): Promise<{ account: string; region: string }> {
  const answer = await awsCall('sts:GetCallerIdentity', () => clients.sts.send(new GetCallerIdentityCommand({})));
  return { account: answer.Account ?? '', region: clients.region };
}
