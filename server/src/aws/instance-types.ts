/**
 * What an instance type is made of: its architectures, vCPUs and memory,
 * so Prism can refuse an image of the wrong arch before RunInstances.
 */
import { DescribeInstanceTypesCommand, type _InstanceType } from '@aws-sdk/client-ec2';
import type { Arch } from '../contract/events';
import type { InstanceTypeInfo } from '../domain/ports';
import type { AwsClients } from './clients';
import { awsCall, instanceTypeUnknown } from './errors';
import { TtlCache } from './ttl-cache';

// Instance types change with AWS releases, not during a session.
const INSTANCE_TYPE_CACHE_TTL_MS = 60 * 60 * 1000;

export type InstanceTypeCatalog = (instanceType: string) => Promise<InstanceTypeInfo>;

/** `cached` false (PRISM_CLOUD_CACHE_OFF, a benchmark baseline): every launch asks again. */
export function createInstanceTypeCatalog(clients: AwsClients, cached = true): InstanceTypeCatalog {
  const cache = new TtlCache<InstanceTypeInfo>(cached ? INSTANCE_TYPE_CACHE_TTL_MS : 0);
  return instanceType => cache.get(instanceType, () => describeInstanceType(clients, instanceType));
}

async function describeInstanceType(clients: AwsClients, instanceType: string): Promise<InstanceTypeInfo> {
  // The SDK lists instance types as a closed union; AWS may know newer ones.
  const answer = await awsCall('ec2:DescribeInstanceTypes', () =>
    clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] }))
  );
  const info = answer.InstanceTypes?.[0];
  if (!info) throw instanceTypeUnknown(`AWS offers no instance type '${instanceType}' in this region.`);
  const arches = (info.ProcessorInfo?.SupportedArchitectures ?? []).filter(
    (arch): arch is Arch => arch === 'arm64' || arch === 'x86_64'
  );
  return {
    instanceType,
    arches,
    vcpus: info.VCpuInfo?.DefaultVCpus ?? 0,
    memoryGiB: (info.MemoryInfo?.SizeInMiB ?? 0) / 1024
  };
}
