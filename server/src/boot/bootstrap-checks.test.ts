/**
 * The boot emulator and every workstation run the generated bootstrap with
 * bash: shellcheck keeps it free of quoting and exit-status mistakes.
 * shellcheck must be installed (`make test` installs it); absent, this fails.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { renderBootstrap, type BootstrapInput } from '../domain/bootstrap';
import { TemplateLibrary } from '../templates/template-library';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', 'templates');

it('generates bootstraps that pass shellcheck, for every template, arch and report channel', async () => {
  const library = await TemplateLibrary.open(TEMPLATES_DIR);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-shellcheck-'));
  const scripts: string[] = [];
  for (const template of library.list()) {
    for (const arch of template.arches) {
      for (const report of [
        { url: 'http://10.0.0.5:8787/', bucket: null, token: 't' },
        { url: null, bucket: 'prism-reports', token: 't' }
      ]) {
        const input: BootstrapInput = {
          launchId: 'ws-1',
          template,
          arch,
          region: 'us-east-1',
          report,
          jupyterToken: 'j',
          datasets: [{ bucket: 'b', prefix: 'p/', readOnly: true, mountPoint: '/home/ec2-user/datasets/b' }]
        };
        const config = parse(renderBootstrap(input)) as { write_files: { content: string }[] };
        const file = path.join(dir, `${template.name}-${arch}-${report.url ? 'http' : 's3'}.sh`);
        fs.writeFileSync(file, config.write_files[0].content);
        scripts.push(file);
      }
    }
  }
  const result = spawnSync('shellcheck', ['--severity=style', ...scripts], { encoding: 'utf8' });
  expect(result.error?.message).toBeUndefined();
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
  expect(scripts).toHaveLength(16);
});
