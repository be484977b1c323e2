/**
 * Turns a template's merged data (itself plus its ancestors) into the
 * domain's `Template`, after the checks the schema cannot express: every
 * declared arch has an image and an instance type for every size, instance
 * types exist for their arch, packages exist for the arch, the default size
 * exists, Jupyter is declared, parameters are sound.
 */
import type { Arch } from '../contract/events';
import type { IdleSetting } from '../domain/idle';
import {
  DEFAULT_OS,
  type ImageSource,
  type Template,
  type TemplateOs,
  type TemplatePackages,
  type TemplateService
} from '../domain/template';
import { closestWord } from './did-you-mean';
import type { TemplateDiagnostic } from './diagnostic';
import { instanceTypeProblem } from './instance-type-check';
import { packageProblem, type PackageManager } from './package-check';
import { checkParameters, templateParameters, undeclaredReference } from './parameter-check';
import { diagnosticAt, hasPath, type KeyPath, type TemplateFile } from './template-file';


type Data = Record<string, unknown>;

const REQUIRED_HINTS: Record<string, string> = {
  title: 'Add a one-line `title:`, e.g. `title: Python for machine learning`.',
  arches: 'Add `arches: [arm64, x86_64]`, or only the arches this template supports.',
  image: 'Add `image:` with an `ssmParameter:` (and an `owner:`/`namePattern:` fallback) per arch.',
  sizes: 'Add `sizes:`, e.g. `small: {arm64: t4g.medium, x86_64: t3.medium}`.',
  defaultSize: 'Add `defaultSize:` naming one of the sizes, e.g. `defaultSize: small`.',
  user: 'Add `user: ec2-user` (the login user of Amazon Linux) or `user: ubuntu` (Ubuntu).',
  rootVolumeGiB: 'Add `rootVolumeGiB:` with the root disk size in GiB, e.g. `rootVolumeGiB: 40`.',
  services: 'Add `services:` with at least `{name: jupyter, port: 8888, healthPath: /api}`.'
};

const EXAMPLE_TYPE: Record<Arch, string> = { arm64: 'm7g.large', x86_64: 'm7i.large' };

export function resolveTemplate(
  files: TemplateFile[],
  data: Data
): { template: Template; diagnostics: [] } | { template?: undefined; diagnostics: TemplateDiagnostic[] } {
  const at = (path: KeyPath, message: string, hint: string): TemplateDiagnostic =>
    diagnosticAt(files.find(file => hasPath(file, path)) ?? files[0], path, message, hint);

  const missing = Object.keys(REQUIRED_HINTS).filter(key => data[key] === undefined);
  if (missing.length > 0) {
    const inherited = files.length > 1 ? ' (neither here nor in the templates it inherits)' : '';
    return { diagnostics: missing.map(key => at([], `"${key}" is missing${inherited}.`, REQUIRED_HINTS[key])) };
  }

  const arches = data.arches as Arch[];
  const image = data.image as Partial<Record<Arch, ImageSource>>;
  const sizes = data.sizes as Record<string, Partial<Record<Arch, string>>>;
  const services = data.services as TemplateService[];
  const defaultSize = String(data.defaultSize);
  const diagnostics: TemplateDiagnostic[] = [];

  for (const arch of arches) {
    if (!image[arch]) {
      diagnostics.push(at(['image'], `No image for ${arch}.`, `Add \`image.${arch}\` with an ssmParameter, or drop ${arch} from arches.`));
    }
    for (const [size, types] of Object.entries(sizes)) {
      const type = types[arch];
      if (type === undefined) {
        diagnostics.push(
          at(['sizes', size], `Size "${size}" has no instance type for ${arch}.`, `Add \`${arch}: ${EXAMPLE_TYPE[arch]}\` (or the type you want) under sizes.${size}, or drop ${arch} from arches.`)
        );
      } else {
        const problem = instanceTypeProblem(type, arch);
        if (problem) diagnostics.push(at(['sizes', size, arch], problem.message, problem.hint));
      }
    }
  }
  if (!(defaultSize in sizes)) {
    const guess = closestWord(defaultSize, Object.keys(sizes));
    diagnostics.push(
      at(['defaultSize'], `defaultSize "${defaultSize}" is not one of the sizes.`, guess ? `Did you mean "${guess}"?` : `Use one of: ${Object.keys(sizes).join(', ')}.`)
    );
  }
  diagnostics.push(...checkServices(services, at));
  const os = (data.os ?? DEFAULT_OS) as TemplateOs;
  const parameters = templateParameters(data);
  diagnostics.push(...checkPackages(files, arches, os, new Set(parameters.map(parameter => parameter.name))));
  diagnostics.push(...checkParameters(data, at));
  if (diagnostics.length > 0) return { diagnostics };

  return {
    template: {
      name: String(data.name),
      title: String(data.title),
      description: String(data.description ?? ''),
      version: String(data.version),
      arches,
      image: Object.fromEntries(arches.map(arch => [arch, image[arch]])) as Record<Arch, ImageSource>,
      sizes,
      defaultSize,
      packages: fullPackages(data.packages as Partial<TemplatePackages> | undefined),
      archPackages: (data.archPackages ?? {}) as Template['archPackages'],
      condaChannels: (data.condaChannels ?? []) as string[],
      services,
      user: String(data.user),
      rootVolumeGiB: Number(data.rootVolumeGiB),
      setup: (data.setup ?? []) as string[],
      archSetup: (data.archSetup ?? {}) as Template['archSetup'],
      os,
      parameters,
      ...(data.idle !== undefined && { idle: data.idle as IdleSetting }),
      source: { file: files[0].file }
    },
    diagnostics: []
  };
}

function checkServices(
  services: TemplateService[],
  at: (path: KeyPath, message: string, hint: string) => TemplateDiagnostic
): TemplateDiagnostic[] {
  const diagnostics: TemplateDiagnostic[] = [];
  if (!services.some(service => service.name === 'jupyter')) {
    diagnostics.push(at(['services'], 'No "jupyter" service: Prism connects researchers through Jupyter.', 'Add `- {name: jupyter, port: 8888, healthPath: /api}` to services.'));
  }
  services.forEach((service, index) => {
    const first = services.findIndex(other => other.port === service.port);
    if (first !== index) {
      diagnostics.push(at(['services', index, 'port'], `Services "${services[first].name}" and "${service.name}" both use port ${service.port}.`, 'Give each service its own port.'));
    }
  });
  return diagnostics;
}

const MANAGERS: PackageManager[] = ['system', 'conda', 'pip'];

/**
 * Each file's own package lists, so a problem is placed on the line that
 * wrote it: common packages are checked for every arch, an arch's own for it.
 */
function checkPackages(files: TemplateFile[], arches: Arch[], os: TemplateOs, declared: ReadonlySet<string>): TemplateDiagnostic[] {
  const diagnostics: TemplateDiagnostic[] = [];
  for (const file of files) {
    const lists: { path: (string | number)[]; arches: Arch[] }[] = [
      { path: ['packages'], arches },
      ...arches.map(arch => ({ path: ['archPackages', arch], arches: [arch] }))
    ];
    for (const list of lists) {
      for (const manager of MANAGERS) {
        const specs = file.doc.getIn([...list.path, manager]);
        const items = (specs as { toJSON?: () => unknown } | undefined)?.toJSON?.();
        if (!Array.isArray(items)) continue;
        items.forEach((spec, index) => {
          const undeclared = undeclaredReference(String(spec), declared);
          if (undeclared) {
            diagnostics.push(
              diagnosticAt(file, [...list.path, manager, index], `"\${${undeclared}}" names no parameter of this template.`, `Declare it under \`parameters:\`, or write the value itself.`)
            );
          }
          for (const arch of list.arches) {
            const problem = packageProblem(manager, String(spec), arch, os);
            if (problem) diagnostics.push(diagnosticAt(file, [...list.path, manager, index], problem.message, problem.hint));
          }
        });
      }
    }
  }
  return diagnostics;
}

function fullPackages(packages: Partial<TemplatePackages> = {}): TemplatePackages {
  return { system: packages.system ?? [], conda: packages.conda ?? [], pip: packages.pip ?? [] };
}
