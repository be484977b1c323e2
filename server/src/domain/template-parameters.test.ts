import { parse } from 'yaml';
import { renderBootstrap } from './bootstrap';
import { PrismError } from './errors';
import { applyParameters, resolveParameterValues } from './template-parameters';
import { template as harnessTemplate } from './testing/harness';

const template = harnessTemplate({
  description: '',
  version: '1.1.0',
  image: { arm64: { ssmParameter: '/a' }, x86_64: { ssmParameter: '/x' } },
  sizes: { small: { arm64: 't4g.medium', x86_64: 't3.medium' } },
  packages: { system: [], conda: ['python=${pythonVersion}', 'numpy'], pip: [] },
  archPackages: { arm64: { pip: ['tool==${toolVersion}'] } },
  setup: ['echo "threads ${threads} gpu ${useGpu} home ${HOME}" > /etc/prism-demo'],
  archSetup: { x86_64: ['echo ${toolVersion}'] },
  parameters: [
    { name: 'pythonVersion', type: 'enum', enum: ['3.11', '3.12'], default: '3.12', description: 'Python' },
    { name: 'threads', type: 'integer', default: 4, description: 'Threads' },
    { name: 'useGpu', type: 'boolean', default: false, description: 'GPU' },
    { name: 'toolVersion', type: 'string', default: '1.0', description: 'Tool' }
  ]
});

function refusal(given: Record<string, unknown>): PrismError {
  try {
    resolveParameterValues(template, given as Record<string, string>);
  } catch (error) {
    return error as PrismError;
  }
  throw new Error('the parameters were accepted');
}

describe('launch parameters', () => {
  it('takes the template’s defaults for what the researcher leaves out', () => {
    expect(resolveParameterValues(template, { threads: 16 })).toEqual({ pythonVersion: '3.12', threads: 16, useGpu: false, toolVersion: '1.0' });
  });

  it('accepts an enum value given as a number, in the author’s spelling', () => {
    expect(resolveParameterValues(template, { pythonVersion: 3.11 }).pythonVersion).toBe('3.11');
  });

  it('refuses a parameter the template does not declare, naming the ones it does', () => {
    const error = refusal({ pyVersion: '3.11' });
    expect(error).toMatchObject({ code: 'PARAMETER_INVALID', status: 400 });
    expect(error.detail).toBe("Template 'python-ml' has no parameter 'pyVersion'.");
    expect(error.hint).toBe('Its parameters are: pythonVersion, threads, useGpu, toolVersion.');
  });

  it('refuses a value of the wrong type, with what it takes', () => {
    expect(refusal({ pythonVersion: '3.9' })).toMatchObject({ code: 'PARAMETER_INVALID', hint: 'Choose one of: 3.11, 3.12 (default 3.12).' });
    expect(refusal({ threads: '8' }).detail).toBe('Parameter \'threads\' of \'python-ml\' takes a whole number, not "8".');
    expect(refusal({ threads: 2.5 }).code).toBe('PARAMETER_INVALID');
    expect(refusal({ useGpu: 'yes' }).hint).toBe('Give true or false (JSON booleans, not text).');
  });

  it('refuses text that could break out of a package name or a command', () => {
    expect(refusal({ toolVersion: '1.0; rm -rf /' }).code).toBe('PARAMETER_INVALID');
    expect(refusal({ toolVersion: '$(reboot)' }).code).toBe('PARAMETER_INVALID');
    expect(refusal({ toolVersion: "1'2" }).code).toBe('PARAMETER_INVALID');
  });

  it('fills ${name} in packages and setup, per arch too, and leaves the shell’s own ${HOME} alone', () => {
    const filled = applyParameters(template, resolveParameterValues(template, { pythonVersion: '3.11', useGpu: true, toolVersion: '2.1' }));
    expect(filled.packages.conda).toEqual(['python=3.11', 'numpy']);
    expect(filled.archPackages.arm64?.pip).toEqual(['tool==2.1']);
    expect(filled.setup).toEqual(['echo "threads 4 gpu true home ${HOME}" > /etc/prism-demo']);
    expect(filled.archSetup?.x86_64).toEqual(['echo 2.1']);
  });

  it('reaches the bootstrap: the chosen Python is what conda installs', () => {
    const userData = renderBootstrap({
      launchId: 'ws-1',
      template,
      arch: 'arm64',
      region: 'us-east-1',
      report: { url: 'http://10.0.0.5:8787/', bucket: null, token: 't' },
      jupyterToken: 'j',
      datasets: [],
      parameters: { pythonVersion: '3.11' }
    });
    const script = (parse(userData) as { write_files: { content: string }[] }).write_files[0].content;
    expect(script).toContain("'-c' 'conda-forge' 'python=3.11' 'numpy'");
    expect(script).not.toContain('${pythonVersion}');
  });
});
