/**
 * Every template's user data, for every arch and report channel, as a real
 * workstation gets it: cloud-init must accept the #cloud-config, and bash must
 * run the script, so shellcheck keeps it free of quoting and exit-status
 * mistakes. Both tools come from Debian (`make test` installs them); absent, this fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { renderBootstrap } from '../domain/bootstrap';
import { TemplateLibrary } from '../templates/template-library';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', 'templates');
const REPORT_CHANNELS = [
  { url: 'http://10.0.0.5:8787/', bucket: null, token: 't' },
  { url: null, bucket: 'prism-reports', token: 't' }
];

interface UserData {
  name: string;
  userDataFile: string;
  scriptFile: string;
}

let rendered: UserData[];
let templateCount: number;

beforeAll(async () => {
  const library = await TemplateLibrary.open(TEMPLATES_DIR);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-bootstrap-checks-'));
  templateCount = library.list().length;
  rendered = library.list().flatMap(template =>
    template.arches.flatMap(arch =>
      REPORT_CHANNELS.map(report => {
        const name = `${template.name}-${arch}-${report.url ? 'http' : 's3'}`;
        const userData = renderBootstrap({
          launchId: 'ws-1',
          template,
          arch,
          region: 'us-east-1',
          report,
          jupyterToken: 'j',
          datasets: [{ bucket: 'b', prefix: 'p/', readOnly: true, mountPoint: `/home/${template.user}/datasets/b` }],
          volumes: [{ fileSystemId: 'fs-0abc', accessPointId: 'fsap-0def', mountPoint: '/mnt/efs/shared' }]
        });
        const userDataFile = path.join(dir, `${name}.yaml`);
        const scriptFile = path.join(dir, `${name}.sh`);
        fs.writeFileSync(userDataFile, userData);
        fs.writeFileSync(scriptFile, (parse(userData) as { write_files: { content: string }[] }).write_files[0].content);
        return { name, userDataFile, scriptFile };
      })
    )
  );
});

it('renders user data for every template (at least ten), both arches and both report channels', () => {
  expect(templateCount).toBeGreaterThanOrEqual(10);
  expect(rendered).toHaveLength(templateCount * 2 * REPORT_CHANNELS.length);
});

it('generates bootstraps that pass shellcheck', () => {
  const result = spawnSync('shellcheck', ['--severity=style', ...rendered.map(r => r.scriptFile)], { encoding: 'utf8' });
  expect(result.error?.message).toBeUndefined();
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
});

it('generates user data that `cloud-init schema` accepts', async () => {
  const run = promisify(execFile);
  const verdicts: string[] = [];
  // Two at a time: each is a Python start-up, and the machine is shared.
  for (let i = 0; i < rendered.length; i += 2) {
    const batch = rendered.slice(i, i + 2).map(async ({ name, userDataFile }) => {
      try {
        await run('cloud-init', ['schema', '--config-file', userDataFile]);
        return `${name}: valid`;
      } catch (error) {
        const failed = error as Error & { stdout?: string; stderr?: string };
        return `${name}: ${failed.stderr || failed.stdout || failed.message}`;
      }
    });
    verdicts.push(...(await Promise.all(batch)));
  }
  expect(verdicts).toEqual(rendered.map(({ name }) => `${name}: valid`));
}, 120_000);
