/**
 * Where the service reaches a workstation's services: its public address when
 * it has one, else its private one (the service runs in the VPC). Under the
 * boot emulator every workstation runs on this machine's loopback.
 */
import type { WorkstationNetwork } from '../domain/ports';

export const cloudNetwork: WorkstationNetwork = {
  addressOf: instance => instance.publicIp ?? instance.privateIp
};

export const loopbackNetwork: WorkstationNetwork = {
  addressOf: () => '127.0.0.1'
};
