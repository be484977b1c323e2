/**
 * The region of the AWS profile (`region =` in ~/.aws/config for AWS_PROFILE,
 * or the default profile), read by the SDK's own region chain so that Prism
 * agrees with the AWS CLI. Used when neither PRISM_REGION nor AWS_REGION is set.
 */
import { STSClient } from '@aws-sdk/client-sts';

export async function profileRegion(): Promise<string | undefined> {
  const client = new STSClient({});
  try {
    return await client.config.region();
  } catch {
    // No region anywhere in the chain: the caller keeps its default.
    return undefined;
  } finally {
    client.destroy();
  }
}
