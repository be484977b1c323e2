/**
 * Whether an instance type exists, and for which arch, from the generated
 * family table (no cloud call); a type listed under the wrong arch is
 * answered with its equivalent on the other one.
 */
import type { Arch } from '../contract/events';
import { INSTANCE_TYPE_FAMILIES } from '../domain/instance-type-families';
import { closestWord } from './did-you-mean';

export interface InstanceTypeProblem {
  message: string;
  hint: string;
}

/**
 * The same kind of machine on the other arch, family by family (general
 * purpose, compute, memory, burstable, GPU, HPC, storage). Sizes match
 * within a pair, so `m7i.large` answers `m7g.large`.
 */
const GRAVITON_EQUIVALENT: Record<string, string> = {
  t2: 't4g', t3: 't4g', t3a: 't4g',
  m5: 'm6g', m5a: 'm6g', m6i: 'm6g', m6a: 'm6g', m7i: 'm7g', 'm7i-flex': 'm7g', m7a: 'm7g', m8i: 'm8g', m8a: 'm8g',
  c5: 'c6g', c5a: 'c6g', c6i: 'c6g', c6a: 'c6g', c7i: 'c7g', 'c7i-flex': 'c7g', c7a: 'c7g', c8i: 'c8g', c8a: 'c8g',
  r5: 'r6g', r5a: 'r6g', r6i: 'r6g', r6a: 'r6g', r7i: 'r7g', r7a: 'r7g', r8i: 'r8g', r8a: 'r8g',
  g4dn: 'g5g', g5: 'g5g', g6: 'g5g',
  hpc7a: 'hpc7g', hpc6a: 'hpc7g',
  i4i: 'i4g', x2idn: 'x2gd'
};
const X86_EQUIVALENT: Record<string, string> = {
  t4g: 't3', a1: 'm5', m6g: 'm6i', m7g: 'm7i', m8g: 'm8i', c6g: 'c6i', c7g: 'c7i', c8g: 'c8i',
  r6g: 'r6i', r7g: 'r7i', r8g: 'r8i', g5g: 'g5', hpc7g: 'hpc7a', i4g: 'i4i', x2gd: 'x2idn'
};
const FAMILY_EXAMPLES: Record<Arch, string> = {
  arm64: 't4g, m7g, c7g, r7g, g5g',
  x86_64: 't3, m7i, c7i, r7i, g5'
};

function familyOf(family: string): { arch: Arch; sizes: string[] } | undefined {
  const entry = INSTANCE_TYPE_FAMILIES[family];
  return entry && { arch: entry[0], sizes: entry[1].split(' ') };
}

/** Why `instanceType` cannot be used under `arch`, or null when it can. */
export function instanceTypeProblem(instanceType: string, arch: Arch): InstanceTypeProblem | null {
  const [family, size = ''] = instanceType.split('.');
  const known = familyOf(family);
  if (!known) {
    const sameArch = Object.keys(INSTANCE_TYPE_FAMILIES).filter(name => INSTANCE_TYPE_FAMILIES[name][0] === arch);
    const guess = closestWord(family, sameArch);
    return {
      message: `${instanceType} is not an EC2 instance type: there is no "${family}" family.`,
      hint: guess ? `Did you mean ${guess}.${size}?` : `Use an ${arch} family, e.g. ${FAMILY_EXAMPLES[arch]}.`
    };
  }
  if (known.arch !== arch) {
    return { message: `${instanceType} is an ${known.arch} instance type, listed under ${arch}.`, hint: equivalentHint(family, size, arch) };
  }
  if (!known.sizes.includes(size)) {
    const guess = closestWord(size, known.sizes);
    return {
      message: `${instanceType} does not exist: ${family} comes in ${known.sizes.join(', ')}.`,
      hint: guess ? `Did you mean ${family}.${guess}?` : `Pick one of the ${family} sizes.`
    };
  }
  return null;
}

function equivalentHint(family: string, size: string, arch: Arch): string {
  const twin = (arch === 'arm64' ? GRAVITON_EQUIVALENT : X86_EQUIVALENT)[family];
  const label = arch === 'arm64' ? 'Graviton' : 'x86_64';
  if (twin && familyOf(twin)?.sizes.includes(size)) return `${twin}.${size} is the ${label} equivalent.`;
  if (twin) return `${twin} is the ${label} family of the same kind; pick one of its sizes (${familyOf(twin)?.sizes.join(', ')}).`;
  return `Use an ${arch} family here, e.g. ${FAMILY_EXAMPLES[arch]}.`;
}
