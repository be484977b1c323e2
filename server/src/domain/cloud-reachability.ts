/**
 * Whether Prism's AWS credentials work, asked with the cheapest call there is
 * (GetCallerIdentity needs no permission). Asked at start, so a wrong profile
 * shows up as a plain message in the log and in GET /health, not as the first
 * launch failing.
 */
import type { Health } from '../contract/api';
import { PrismError } from './errors';
import type { Cloud } from './ports';

export async function cloudReachability(cloud: Pick<Cloud, 'identity'>, region: string): Promise<Health['cloud']> {
  try {
    const id = await cloud.identity();
    return { reachable: true, region: id.region, account: id.account };
  } catch (error) {
    return { reachable: false, region, account: null, problem: problemOf(error) };
  }
}

function problemOf(error: unknown): NonNullable<Health['cloud']['problem']> {
  if (error instanceof PrismError) return { code: error.code, title: error.title, hint: error.hint };
  return {
    code: 'CLOUD_UNREACHABLE',
    title: 'AWS cannot be reached',
    hint: 'Check the network, AWS_PROFILE and PRISM_REGION, then restart Prism; the service log has the details.'
  };
}
