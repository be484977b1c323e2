import { parse } from 'yaml';
import { BOOTSTRAP_PATH, renderBootstrap, type BootstrapInput } from './bootstrap';
import { template as harnessTemplate } from './testing/harness';

const template = harnessTemplate({
  description: '',
  version: '1.0.0',
  image: { arm64: { ssmParameter: '/a' }, x86_64: { ssmParameter: '/x' } },
  sizes: { small: { arm64: 't4g.medium', x86_64: 't3.medium' } },
  packages: { system: ['git'], conda: ['numpy', 'pytorch-cpu'], pip: ['jupyterlab'] },
  archPackages: { arm64: { system: ['arm-only-tool'] } },
  condaChannels: ['conda-forge', 'bioconda'],
  services: [
    { name: 'jupyter', port: 8888, healthPath: '/api' },
    { name: 'rstudio', port: 8787, healthPath: '/' }
  ],
  setup: ["echo 'rsession-which-r=/opt/conda/bin/R' >> /etc/rstudio/rserver.conf"]
});

const REPORT_TOKEN = 'report-token-3f9a';

function input(overrides: Partial<BootstrapInput> = {}): BootstrapInput {
  return {
    launchId: 'ws-123',
    template,
    arch: 'arm64',
    region: 'eu-west-1',
    report: { url: 'http://10.0.0.5:8787/prism/', bucket: null, token: REPORT_TOKEN },
    jupyterToken: 'jupyter-token-77',
    datasets: [
      { bucket: 'genomes', prefix: 'hg38', readOnly: true, mountPoint: '/home/ec2-user/datasets/genomes' },
      { bucket: 'scratch', prefix: '', readOnly: false, mountPoint: '/home/ec2-user/datasets/scratch' }
    ],
    ...overrides
  };
}

function scriptOf(userData: string): string {
  const config = parse(userData) as { write_files: { path: string; permissions: string; content: string }[] };
  const file = config.write_files.find(f => f.path === BOOTSTRAP_PATH);
  if (!file) throw new Error('no bootstrap in the user data');
  return file.content;
}

describe('the bootstrap user data', () => {
  it('is a #cloud-config YAML document that writes the script and runs it with a log', () => {
    const userData = renderBootstrap(input());
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    const config = parse(userData) as { write_files: { path: string; permissions: string }[]; runcmd: string[][] };
    expect(config.write_files).toEqual([expect.objectContaining({ path: '/opt/prism/bootstrap.sh', permissions: '0755' })]);
    expect(config.runcmd).toEqual([['bash', '-c', '/opt/prism/bootstrap.sh >> /var/log/prism-bootstrap.log 2>&1']]);
    expect(scriptOf(userData)).toMatch(/^#!\/bin\/bash\n.*\nset -Eeuo pipefail\n/);
  });

  it('mounts each EFS volume through its access point with the EFS mount helper, in a step of its own', () => {
    const script = scriptOf(
      renderBootstrap(input({ volumes: [{ fileSystemId: 'fs-0abc', accessPointId: 'fsap-0def', mountPoint: '/mnt/efs/shared' }] }))
    );
    expect(script).toContain("step 5 volumes 'Mounting 1 EFS volume'");
    expect(script).toContain('run dnf install -y -q amazon-efs-utils');
    expect(script).toContain("mount_volume 'fs-0abc' 'fsap-0def' '/mnt/efs/shared'");
    expect(script).toContain('run mount -t efs -o "tls,accesspoint=$access_point" "$file_system:/" "$mount_point"');
  });

  it('builds the EFS mount helper from its pinned source release on Ubuntu, whose archive lacks it', () => {
    const script = scriptOf(
      renderBootstrap(
        input({
          template: { ...input().template, os: 'ubuntu-24.04' },
          volumes: [{ fileSystemId: 'fs-0abc', accessPointId: 'fsap-0def', mountPoint: '/mnt/efs/shared' }]
        })
      )
    );
    expect(script).toContain('run git clone --depth 1 --branch v2.1.0 https://github.com/aws/efs-utils "$STATE_DIR/efs-utils"');
    expect(script).toContain('run env -C "$STATE_DIR/efs-utils" ./build-deb.sh');
    expect(script).not.toContain('apt-get install -y -q amazon-efs-utils');
  });

  it('has no volumes step without volumes', () => {
    expect(scriptOf(renderBootstrap(input()))).not.toContain('mount_volume \'');
  });

  it('installs the aarch64 Miniforge and the arm64 Mountpoint rpm on arm64', () => {
    const script = scriptOf(renderBootstrap(input({ arch: 'arm64' })));
    expect(script).toContain('https://github.com/conda-forge/miniforge/releases/latest/download/Miniforge3-Linux-aarch64.sh');
    expect(script).toContain('https://s3.amazonaws.com/mountpoint-s3-release/latest/arm64/mount-s3.rpm');
    expect(script).toContain("run dnf install -y -q 'git' 'arm-only-tool'");
    expect(script).not.toContain('x86_64');
  });

  it('installs the x86_64 Miniforge and Mountpoint rpm on x86_64, without the arm64 packages', () => {
    const script = scriptOf(renderBootstrap(input({ arch: 'x86_64' })));
    expect(script).toContain('Miniforge3-Linux-x86_64.sh');
    expect(script).toContain('https://s3.amazonaws.com/mountpoint-s3-release/latest/x86_64/mount-s3.rpm');
    expect(script).not.toContain('aarch64');
    expect(script).not.toContain('arm-only-tool');
  });

  it('installs conda packages from the template channels in order, strictly', () => {
    const script = scriptOf(renderBootstrap(input()));
    expect(script).toContain(
      "install -y --quiet --strict-channel-priority --override-channels '-c' 'conda-forge' '-c' 'bioconda' 'numpy' 'pytorch-cpu'"
    );
    expect(script).toContain('run "$CONDA_DIR/bin/pip" install --quiet \'jupyterlab\'');
  });

  it('phones home over HTTP with the token as a bearer, when the service has a URL', () => {
    const script = scriptOf(renderBootstrap(input()));
    expect(script).toContain("REPORT_URL='http://10.0.0.5:8787/prism'");
    expect(script).toContain(
      `curl -fsS --retry 5 --retry-connrefused -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data @- "$REPORT_URL/api/v1/boot/$LAUNCH_ID/reports"`
    );
    expect(script).not.toContain('aws s3 cp');
  });

  it('writes numbered report objects to S3 with the token in the body, when there is no URL', () => {
    const script = scriptOf(renderBootstrap(input({ report: { url: null, bucket: 'prism-123-eu-west-1', token: REPORT_TOKEN } })));
    expect(script).toContain(`"s3://"'prism-123-eu-west-1'"/prism-reports/$LAUNCH_ID/$(printf %08d "$seq").json"`);
    expect(script).toContain('PRISM_REPORT_TOKEN="$token" report_json');
    expect(script).not.toContain('curl -fsS --retry');
  });

  it('keeps the report token inside the report function and the idle agent\'s root-only settings', () => {
    const script = scriptOf(renderBootstrap(input()));
    expect(script.split(REPORT_TOKEN)).toHaveLength(3);
    const reportFunction = script.slice(script.indexOf('\nreport() {'), script.indexOf('\n}', script.indexOf('\nreport() {')));
    expect(reportFunction).toContain(`local token='${REPORT_TOKEN}'`);
    expect(script).toContain(`(umask 077 && cat > "$ROOT/etc/prism/agent.env" <<AGENT_ENV\nLAUNCH_ID=$LAUNCH_ID\nREGION=$REGION\nREPORT_URL=$REPORT_URL\nREPORT_TOKEN=${REPORT_TOKEN}\n`);
    expect(script).not.toMatch(/export\s+\w*TOKEN/);
  });

  it('mounts each dataset with its prefix (ending in /) and read-only when asked', () => {
    const script = scriptOf(renderBootstrap(input()));
    expect(script).toContain("mount_dataset 'genomes' 'hg38/' 'read-only' '/home/ec2-user/datasets/genomes'");
    expect(script).toContain("mount_dataset 'scratch' '' 'read-write' '/home/ec2-user/datasets/scratch'");
    expect(script).toContain('if [[ $access == read-only ]]; then options+=(--read-only); else options+=(--allow-delete); fi');
    expect(script).toContain('if [[ -n $prefix ]]; then options+=(--prefix "$prefix"); fi');
  });

  it('skips the dataset step, and counts one step fewer, when there are no datasets', () => {
    const script = scriptOf(renderBootstrap(input({ datasets: [] })));
    expect(script).not.toContain('mount-s3.rpm');
    expect(script).toContain('readonly TOTAL_STEPS=5');
    expect(script).toMatch(/step 5 services 'Starting jupyter, rstudio'/);
  });

  it('quotes hostile values so they stay words', () => {
    const script = scriptOf(renderBootstrap(input({ launchId: "ws'; rm -rf / #" })));
    expect(script).toContain(`readonly LAUNCH_ID='ws'\\''; rm -rf / #'`);
  });

});
