/**
 * Packages known not to exist for an arch, or not installable by the image's
 * package manager, caught before a launch fails half-way through its
 * bootstrap. A small curated table: the usual x86-only suspects of research
 * stacks on Graviton, each with the alternative that works.
 */
import type { Arch } from '../contract/events';
import type { TemplateOs } from '../domain/template';

export type PackageManager = 'system' | 'conda' | 'pip';

export interface PackageProblem {
  message: string;
  hint: string;
}

const MKL_HINT =
  'On arm64 use OpenBLAS instead (conda-forge\'s default: `libblas=*=*openblas`), or move it under `archPackages.x86_64`.';

/** Conda and pip packages that have no arm64 (linux-aarch64) build, by name. */
const NOT_ON_ARM64: Record<'conda' | 'pip', Record<string, string>> = {
  conda: {
    'pytorch-cuda':
      'pytorch-cuda is the pytorch channel\'s CUDA selector, built for x86_64 only. On arm64 (g5g) use conda-forge\'s `pytorch-gpu`, which has CUDA 12 builds for linux-aarch64.',
    cudatoolkit:
      'cudatoolkit is the old CUDA 11 package, not built for the arm64 (g5g) path. Use conda-forge\'s `pytorch-gpu` (or `cuda-version=12` with `cuda-toolkit`) on arm64.',
    mkl: MKL_HINT,
    'mkl-devel': MKL_HINT,
    'mkl-service': MKL_HINT,
    mkl_fft: MKL_HINT,
    mkl_random: MKL_HINT,
    'intel-openmp': 'Intel\'s OpenMP runtime is x86_64 only. On arm64 use `llvm-openmp` or `_openmp_mutex=*=*_gnu` (GNU OpenMP), or move it under `archPackages.x86_64`.',
    icc_rt: 'Intel compiler runtimes are x86_64 only; on arm64 build with gcc or clang from conda-forge.'
  },
  pip: {
    'intel-extension-for-pytorch': 'Intel\'s PyTorch extension is x86_64 only; PyTorch runs on Graviton without it. Move it under `archPackages.x86_64`.',
    'tensorflow-intel': 'tensorflow-intel is x86_64 only; on arm64 `tensorflow` itself has aarch64 wheels.',
    mkl: MKL_HINT,
    'intel-openmp': 'Intel\'s OpenMP runtime is x86_64 only; drop it on arm64 (PyTorch and NumPy wheels bring their own OpenMP).'
  }
};

const ARCH_WORDS: Record<Arch, RegExp> = {
  arm64: /(aarch64|arm64)/,
  x86_64: /(x86_64|amd64|x64)/
};

/** Why `spec` (from the `manager` list) will not install on `arch` under `os`, or null. */
export function packageProblem(manager: PackageManager, spec: string, arch: Arch, os: TemplateOs): PackageProblem | null {
  if (manager === 'system' && /^https?:\/\//.test(spec)) return downloadProblem(spec, arch, os);
  if (manager === 'system' || arch !== 'arm64') return null;
  const name = packageName(manager, spec);
  const hint = NOT_ON_ARM64[manager][name];
  return hint ? { message: `The ${manager} package "${name}" does not exist for arm64.`, hint } : null;
}

function downloadProblem(url: string, arch: Arch, os: TemplateOs): PackageProblem | null {
  if (os === 'ubuntu-24.04') {
    return {
      message: `apt-get cannot install ${url} from a URL.`,
      hint: 'Download it in a `setup` command instead: `curl -fsSL -o /tmp/pkg.deb URL && apt-get install -y /tmp/pkg.deb`.'
    };
  }
  const other: Arch = arch === 'arm64' ? 'x86_64' : 'arm64';
  const file = url.split('/').pop() ?? url;
  if (!ARCH_WORDS[other].test(url) || ARCH_WORDS[arch].test(file)) return null;
  return {
    message: `${file} is a build for ${other}, but it is installed on ${arch}.`,
    hint: `Move it under \`archPackages.${other}.system\` and give ${arch} its own build under \`archPackages.${arch}.system\`${rstudioBuild(url, arch)}.`
  };
}

/** Posit publishes RStudio Server per arch at a predictable place. */
function rstudioBuild(url: string, arch: Arch): string {
  const match = /^(https:\/\/download\d*\.rstudio\.org\/server\/[a-z0-9]+)\/(x86_64|arm64)\/(rstudio-server-[a-z0-9]+-[0-9.+-]+?)-(x86_64|aarch64)\.rpm$/.exec(url);
  if (!match) return '';
  const [, base, , name] = match;
  return arch === 'arm64' ? ` (Posit's: ${base}/arm64/${name}-aarch64.rpm)` : ` (Posit's: ${base}/x86_64/${name}-x86_64.rpm)`;
}

/** `conda-forge::mkl=2024` is mkl; `intel-openmp>=2023` is intel-openmp. */
function packageName(manager: 'conda' | 'pip', spec: string): string {
  const bare = manager === 'conda' ? spec.split('::').pop() ?? spec : spec;
  return bare.split(/[=<>!~[;\s]/)[0].toLowerCase();
}
