/**
 * What a template author is told, before any launch, about instance types,
 * packages and parameters that cannot work on an arch.
 */
import { validateTemplateText } from './template-library';

const BASE = `name: base
title: Base
version: 1.0.0
arches: [arm64, x86_64]
image:
  arm64: {ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64}
  x86_64: {ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}
sizes:
  small: {arm64: t4g.medium, x86_64: t3.medium}
defaultSize: small
user: ec2-user
rootVolumeGiB: 30
packages:
  system: [git]
  conda: [numpy]
services:
  - {name: jupyter, port: 8888, healthPath: /api}
`;

function diagnosticsOf(text: string): { line: number; column: number; message: string; hint: string }[] {
  return validateTemplateText(text, 'base.yaml').map(({ line, column, message, hint }) => ({ line, column, message, hint }));
}

describe('instance types checked against the arch', () => {
  it('names the Graviton equivalent of an x86_64 type listed under arm64', () => {
    expect(diagnosticsOf(BASE.replace('arm64: t4g.medium', 'arm64: m7i.large'))).toEqual([
      { line: 9, column: 11, message: 'm7i.large is an x86_64 instance type, listed under arm64.', hint: 'm7g.large is the Graviton equivalent.' }
    ]);
  });

  it('names the x86_64 equivalent of a Graviton GPU type listed under x86_64', () => {
    const [diagnostic] = diagnosticsOf(BASE.replace('x86_64: t3.medium', 'x86_64: g5g.xlarge'));
    expect(diagnostic.hint).toBe('g5.xlarge is the x86_64 equivalent.');
  });

  it('refuses a family that does not exist, with the nearest one of the arch', () => {
    const [diagnostic] = diagnosticsOf(BASE.replace('arm64: t4g.medium', 'arm64: m7q.large'));
    expect(diagnostic.message).toBe('m7q.large is not an EC2 instance type: there is no "m7q" family.');
    expect(diagnostic.hint).toBe('Did you mean m7g.large?');
  });

  it('refuses a size the family does not come in', () => {
    const [diagnostic] = diagnosticsOf(BASE.replace('arm64: t4g.medium', 'arm64: t4g.4xlarge'));
    expect(diagnostic.message).toBe('t4g.4xlarge does not exist: t4g comes in nano, micro, small, medium, large, xlarge, 2xlarge.');
    expect(diagnostic.hint).toBe('Did you mean t4g.xlarge?');
  });
});

describe('packages known not to exist for an arch', () => {
  it('places pytorch-cuda for both arches on its line, with the arm64 alternative', () => {
    const diagnostics = diagnosticsOf(BASE.replace('conda: [numpy]', 'conda: [numpy, pytorch-cuda=12.1]'));
    expect(diagnostics).toEqual([
      expect.objectContaining({ line: 15, column: 18, message: 'The conda package "pytorch-cuda" does not exist for arm64.' })
    ]);
    expect(diagnostics[0].hint).toContain('`pytorch-gpu`');
  });

  it('points MKL on arm64 at OpenBLAS, and accepts it under x86_64 only', () => {
    expect(diagnosticsOf(BASE.replace('conda: [numpy]', 'conda: [numpy, conda-forge::mkl]'))[0].hint).toContain('OpenBLAS');
    expect(diagnosticsOf(`${BASE}archPackages:\n  x86_64:\n    conda: [mkl, intel-openmp]\n`)).toEqual([]);
    expect(diagnosticsOf(`${BASE}archPackages:\n  arm64:\n    pip: [intel-extension-for-pytorch]\n`)).toEqual([
      expect.objectContaining({ line: 20, message: 'The pip package "intel-extension-for-pytorch" does not exist for arm64.' })
    ]);
  });

  it('refuses RStudio’s x86_64 rpm for every arch, naming Posit’s aarch64 build', () => {
    const url = 'https://download2.rstudio.org/server/rhel9/x86_64/rstudio-server-rhel-2024.12.1-563-x86_64.rpm';
    const [diagnostic, ...others] = diagnosticsOf(BASE.replace('system: [git]', `system: [git, ${url}]`));
    expect(others).toEqual([]);
    expect(diagnostic.message).toBe('rstudio-server-rhel-2024.12.1-563-x86_64.rpm is a build for x86_64, but it is installed on arm64.');
    expect(diagnostic.hint).toContain('https://download2.rstudio.org/server/rhel9/arm64/rstudio-server-rhel-2024.12.1-563-aarch64.rpm');
  });

  it('tells an Ubuntu template that apt-get installs no URL', () => {
    const text = BASE.replace('user: ec2-user', 'user: ubuntu\nos: ubuntu-24.04').replace('system: [git]', 'system: [git, https://example.org/tool.deb]');
    const [diagnostic] = diagnosticsOf(text);
    expect(diagnostic.message).toBe('apt-get cannot install https://example.org/tool.deb from a URL.');
    expect(diagnostic.hint).toContain('setup');
  });

  it('suggests the operating system meant by a misspelt os', () => {
    const [diagnostic] = diagnosticsOf(`${BASE}os: ubuntu-24.4\n`);
    expect(diagnostic.hint).toBe('Did you mean "ubuntu-24.04"?');
  });
});

describe('parameters', () => {
  const WITH_PYTHON = BASE.replace('conda: [numpy]', "conda: ['python=${pythonVersion}', numpy]");

  it('accepts a package that uses a declared parameter', () => {
    expect(diagnosticsOf(`${WITH_PYTHON}parameters:\n  pythonVersion: {type: enum, enum: ['3.11', '3.12'], default: '3.12'}\n`)).toEqual([]);
  });

  it('refuses ${name} in a package when no parameter is called that', () => {
    expect(diagnosticsOf(WITH_PYTHON)).toEqual([
      expect.objectContaining({ line: 15, column: 11, message: '"${pythonVersion}" names no parameter of this template.' })
    ]);
  });

  it('refuses a default that is not one of the enum’s values, at the default', () => {
    const [diagnostic] = diagnosticsOf(`${WITH_PYTHON}parameters:\n  pythonVersion:\n    type: enum\n    enum: ['3.11', '3.12']\n    default: '3.13'\n`);
    expect(diagnostic).toMatchObject({ line: 22, message: 'The default of "pythonVersion" takes one of 3.11, 3.12, not "3.13".' });
  });

  it('refuses an enum without values and a parameter of an unknown type', () => {
    expect(diagnosticsOf(`${WITH_PYTHON}parameters:\n  pythonVersion: {type: enum, default: '3.12'}\n`)[0].message).toBe(
      'Parameter "pythonVersion" is an enum without values.'
    );
    expect(diagnosticsOf(`${WITH_PYTHON}parameters:\n  pythonVersion: {type: float, default: 3.12}\n`)[0].message).toContain('is not one of string, integer, boolean, enum');
  });
});
