/**
 * Whether a workstation can hibernate. EC2 decides it once, at launch: the
 * instance type's family, its memory (RAM is written to the root volume on
 * hibernate) and the image must all allow it, and the encrypted root volume
 * must hold the RAM beside the OS. Prism asks for it whenever they do, so the
 * researcher never has to know this list.
 */
import { PrismError } from './errors';
import type { WorkstationRecord } from './ports';

/**
 * Families EC2 hibernates on demand (AWS "Hibernation prerequisites", checked
 * 2025-03): current general purpose, compute and memory families and the
 * burstable ones, x86_64 and Graviton. GPU, HPC and storage families are not here.
 */
export const HIBERNATION_FAMILIES: readonly string[] = [
  // x86_64
  'c5', 'c5a', 'c5d', 'c6i', 'c6a', 'c7i', 'c7a',
  'm5', 'm5a', 'm5d', 'm6i', 'm6a', 'm7i', 'm7a',
  'r5', 'r5a', 'r5d', 'r6i', 'r6a', 'r7i', 'r7a',
  't2', 't3', 't3a',
  // Graviton
  'c6g', 'c6gd', 'c7g', 'c7gd', 'm6g', 'm6gd', 'm7g', 'm7gd', 'r6g', 'r6gd', 'r7g', 'r7gd', 't4g'
];

/** A few of them, for hints. */
export const HIBERNATION_FAMILY_EXAMPLES = 't4g, m7g, c7g, r7g, t3, m7i, c7i, r7i';

/** EC2 does not hibernate an instance with more RAM than this. */
export const HIBERNATION_MAX_MEMORY_GIB = 150;

/** Room the OS and the researcher's files keep on the root volume beside the saved RAM. */
export const HIBERNATION_OS_GIB = 8;

/** Images whose kernel and agent hibernate: Amazon Linux 2 and 2023, Ubuntu 20.04 to 24.04 (matched on the image name). */
const HIBERNATING_IMAGES = [/^al2023-ami/, /^amzn2-ami/, /ubuntu-(focal|jammy|noble)-/, /ubuntu.*\b(20|22|24)\.04\b/];

export type HibernationSupport = { supported: true } | { supported: false; reason: string };

export function hibernationSupport(instanceType: string, memoryGiB: number, imageName: string): HibernationSupport {
  const byType = instanceTypeHibernation(instanceType, memoryGiB);
  if (byType.supported && !HIBERNATING_IMAGES.some(pattern => pattern.test(imageName))) {
    return { supported: false, reason: `its image ${imageName} is not one EC2 hibernates (Amazon Linux or Ubuntu 20.04–24.04)` };
  }
  return byType;
}

/** The instance type's part: its family, and RAM within EC2's limit. */
export function instanceTypeHibernation(instanceType: string, memoryGiB: number): HibernationSupport {
  const family = instanceType.split('.')[0];
  if (!HIBERNATION_FAMILIES.includes(family)) {
    return { supported: false, reason: `the ${family} family of ${instanceType} cannot hibernate` };
  }
  if (memoryGiB > HIBERNATION_MAX_MEMORY_GIB) {
    return {
      supported: false,
      reason: `${instanceType} has ${memoryGiB} GiB of RAM, more than the ${HIBERNATION_MAX_MEMORY_GIB} GiB EC2 can hibernate`
    };
  }
  return { supported: true };
}

/** The root volume must hold the RAM and the OS: grown to at least RAM + 8 GiB, never shrunk. */
export function hibernationRootVolumeGiB(templateGiB: number, memoryGiB: number): number {
  return Math.max(templateGiB, Math.ceil(memoryGiB) + HIBERNATION_OS_GIB);
}

/** The refusal of `POST /hibernate`, saying why this workstation cannot and what to do instead. */
export function cannotHibernate(record: Pick<WorkstationRecord, 'name' | 'instanceType' | 'hibernationNote'>): PrismError {
  const why = record.hibernationNote ?? 'it was launched before Prism enabled hibernation at launch';
  return new PrismError(
    'HIBERNATION_UNSUPPORTED',
    409,
    'This workstation cannot hibernate',
    `Workstation '${record.name}' (${record.instanceType}) was launched without hibernation: ${why}.`,
    'Stop it instead: stopping keeps its disk and files, only the running programs and memory are lost. ' +
      `To hibernate, launch on a family that can (${HIBERNATION_FAMILY_EXAMPLES}) with at most ${HIBERNATION_MAX_MEMORY_GIB} GiB of RAM.`
  );
}
