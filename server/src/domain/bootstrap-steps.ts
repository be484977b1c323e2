/**
 * The steps of a workstation's bootstrap, in order: system packages, conda,
 * pip, dataset mounts, the template's setup commands, then its services.
 * Each step is a name, the message the researcher sees, and bash commands
 * that use the bootstrap's helpers (`run`, `mount_dataset`, ...).
 */
import type { Arch } from '../contract/events';
import { quote, quoteAll } from './bash-quote';
import type { BootstrapInput } from './bootstrap';
import { DEFAULT_OS, packagesFor, type Template, type TemplateOs } from './template';

interface Step {
  name: string;
  message: string;
  commands: string[];
}

const MINIFORGE_ARCH: Record<Arch, string> = { arm64: 'aarch64', x86_64: 'x86_64' };
/** The efs-utils release Ubuntu workstations build (AWS ships it as source only there). */
const EFS_UTILS_RELEASE = 'v2.1.0';

export function bootstrapSteps(input: BootstrapInput): Step[] {
  const { template, arch, datasets } = input;
  const packages = packagesFor(template, arch);
  const steps: Step[] = [];
  if (packages.system.length > 0) {
    steps.push({
      name: 'system-packages',
      message: `Installing ${count(packages.system.length, 'system package')}`,
      commands: installSystemPackages(template.os ?? DEFAULT_OS, packages.system)
    });
  }
  if (packages.conda.length > 0) {
    const installer = `Miniforge3-Linux-${MINIFORGE_ARCH[arch]}.sh`;
    const channels = template.condaChannels.flatMap(channel => ['-c', channel]);
    steps.push({
      name: 'conda',
      message: `Installing Miniforge and ${count(packages.conda.length, 'conda package')}`,
      commands: [
        'readonly CONDA_DIR="$ROOT/opt/conda"',
        `run curl -fsSL -o "$STATE_DIR/${installer}" https://github.com/conda-forge/miniforge/releases/latest/download/${installer}`,
        `run bash "$STATE_DIR/${installer}" -b -u -p "$CONDA_DIR"`,
        `run "$CONDA_DIR/bin/conda" install -y --quiet --strict-channel-priority --override-channels ${quoteAll([...channels, ...packages.conda])}`,
        // Researchers add packages themselves, without sudo.
        'run chown -R "$WORKSTATION_USER:" "$CONDA_DIR"'
      ]
    });
  }
  if (packages.pip.length > 0) {
    const pip = packages.conda.length > 0 ? '"$CONDA_DIR/bin/pip"' : 'python3 -m pip';
    steps.push({
      name: 'pip',
      message: `Installing ${count(packages.pip.length, 'pip package')}`,
      commands: [`run ${pip} install --quiet ${quoteAll(packages.pip)}`]
    });
  }
  if (datasets.length > 0) {
    steps.push({
      name: 'datasets',
      message: `Mounting ${count(datasets.length, 'dataset')} with Mountpoint for Amazon S3`,
      commands: [
        ...installMountpoint(template.os ?? DEFAULT_OS, arch),
        ...datasets.map(d =>
          `mount_dataset ${quoteAll([d.bucket, normalPrefix(d.prefix), d.readOnly ? 'read-only' : 'read-write', d.mountPoint])}`
        )
      ]
    });
  }
  const volumes = input.volumes ?? [];
  if (volumes.length > 0) {
    steps.push({
      name: 'volumes',
      message: `Mounting ${count(volumes.length, 'EFS volume')}`,
      commands: [
        ...installEfsUtils(template.os ?? DEFAULT_OS),
        ...volumes.map(v => `mount_volume ${quoteAll([v.fileSystemId, v.accessPointId, v.mountPoint])}`)
      ]
    });
  }
  // The arch's own commands first: they prepare what the common ones use (a GPU driver before PyTorch).
  const setup = [...(template.archSetup?.[arch] ?? []), ...(template.setup ?? [])];
  if (setup.length > 0) {
    steps.push({
      name: 'setup',
      message: `Running ${count(setup.length, 'setup command')}`,
      commands: setup.map(command => `run bash -c ${quote(command)}`)
    });
  }
  steps.push({
    name: 'services',
    message: `Starting ${template.services.map(s => s.name).join(', ')}`,
    commands: [
      'write_jupyter_unit',
      'run systemctl daemon-reload',
      'run systemctl enable --now prism-jupyter.service',
      'if [[ $DRY_RUN == 1 ]]; then start_sandbox_jupyter; fi',
      ...standInServices(template).map(service => `if [[ $DRY_RUN == 1 ]]; then start_standin ${quote(service.name)}; fi`),
      'wait_for_jupyter'
    ]
  });
  return steps;
}

function installSystemPackages(os: TemplateOs, packages: string[]): string[] {
  if (os === 'ubuntu-24.04') {
    return ['run apt-get update -q', `run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${quoteAll(packages)}`];
  }
  return [`run dnf install -y -q ${quoteAll(packages)}`];
}

/** Mountpoint for Amazon S3 comes as an rpm and a deb per arch; apt-get installs a deb from a file only. */
function installMountpoint(os: TemplateOs, arch: Arch): string[] {
  const release = `https://s3.amazonaws.com/mountpoint-s3-release/latest/${arch}`;
  if (os === 'ubuntu-24.04') {
    return [
      `run curl -fsSL -o "$STATE_DIR/mount-s3.deb" ${release}/mount-s3.deb`,
      'run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$STATE_DIR/mount-s3.deb"'
    ];
  }
  return [`run dnf install -y -q ${release}/mount-s3.rpm`];
}

/**
 * amazon-efs-utils is in Amazon Linux's repositories; for Ubuntu AWS publishes
 * only the source, built into a deb as its README says (docs/decisions.md).
 */
function installEfsUtils(os: TemplateOs): string[] {
  if (os === 'ubuntu-24.04') {
    return [
      'run apt-get update -q',
      'run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q git binutils rustc cargo pkg-config libssl-dev gettext',
      `run git clone --depth 1 --branch ${EFS_UTILS_RELEASE} https://github.com/aws/efs-utils "$STATE_DIR/efs-utils"`,
      'run env -C "$STATE_DIR/efs-utils" ./build-deb.sh',
      'run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$STATE_DIR"/efs-utils/build/amazon-efs-utils*deb'
    ];
  }
  return ['run dnf install -y -q amazon-efs-utils'];
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Mountpoint takes a prefix that ends with `/`, and none for the whole bucket; the workstation's role grants the same. */
export function normalPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/** A dry run starts these from a stand-in: every declared service but Jupyter. */
export function standInServices(template: Template): Template['services'] {
  return template.services.filter(service => service.name !== 'jupyter');
}
