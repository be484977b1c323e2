/**
 * The `Cloud` port on AWS: each concern lives in its own file; this puts them
 * together behind the interface the domain owns.
 */
import type { Config } from '../config';
import type { Cloud } from '../domain/ports';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { callerIdentity } from './identity';
import { createImageResolver } from './images';
import { createInstanceTypeCatalog } from './instance-types';
import { createInstances } from './instances';
import { createKeyPairKeeper } from './key-pairs';
import { createSecurityGroupKeeper } from './security-group';
import { createVolumeKeeper } from './volumes';
import { createWorkstationRoles } from './workstation-role';

export interface AwsCloudDeps {
  clients: AwsClients;
  /** `cloudCacheOff`: the benchmark baseline, every answer asked again. */
  config: Pick<Config, 'dataDir' | 'ingressCidr'> & Partial<Pick<Config, 'cloudCacheOff'>>;
  logger: Logger;
}

export function createAwsCloud({ clients, config, logger }: AwsCloudDeps): Cloud {
  const log = logger.child({ module: 'aws' });
  const cache = !config.cloudCacheOff;
  const images = createImageResolver(clients, log, cache);
  const instances = createInstances(clients, images, log);
  const roles = createWorkstationRoles(clients, log);
  const keys = createKeyPairKeeper(clients, config, log);
  const ensureSecurityGroup = createSecurityGroupKeeper(clients, config, log, cache);
  const volumes = createVolumeKeeper(clients, ensureSecurityGroup, log);
  return {
    identity: () => callerIdentity(clients),
    resolveImage: images.resolve,
    describeInstanceType: createInstanceTypeCatalog(clients, cache),
    ensureSecurityGroup,
    ensureKeyPair: keys.ensure,
    rotateKeyPair: keys.rotate,
    takePrivateKey: keys.take,
    runInstance: instances.run,
    waitUntilRunning: instances.waitUntilRunning,
    findInstances: filter => instances.find(filter),
    stopInstance: instances.stop,
    startInstance: instances.start,
    changeInstanceType: instances.changeType,
    growRootVolume: instances.growRootVolume,
    terminateInstance: instances.terminate,
    readUserData: instances.readUserData,
    ensureWorkstationRole: roles.ensure,
    removeWorkstationRole: roles.remove,
    createFileSystem: volumes.createFileSystem,
    ensureMountTargets: volumes.ensureMountTargets,
    ensureAccessPoint: volumes.ensureAccessPoint,
    deleteFileSystem: volumes.deleteFileSystem
  };
}
