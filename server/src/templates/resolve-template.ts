/**
 * Turns a template's merged data (itself plus its ancestors) into the
 * domain's `Template`, after the checks the schema cannot express: every
 * declared arch has an image and an instance type for every size, instance
 * types match their arch, the default size exists, Jupyter is declared.
 */
import type { Arch } from '../contract/events';
import type { ImageSource, Template, TemplatePackages, TemplateService } from '../domain/template';
import { closestWord } from './did-you-mean';
import type { TemplateDiagnostic } from './diagnostic';
import { diagnosticAt, hasPath, type KeyPath, type TemplateFile } from './template-file';

type Data = Record<string, unknown>;

const REQUIRED_HINTS: Record<string, string> = {
  title: 'Add a one-line `title:`, e.g. `title: Python for machine learning`.',
  arches: 'Add `arches: [arm64, x86_64]`, or only the arches this template supports.',
  image: 'Add `image:` with an `ssmParameter:` (and an `owner:`/`namePattern:` fallback) per arch.',
  sizes: 'Add `sizes:`, e.g. `small: {arm64: t4g.medium, x86_64: t3.medium}`.',
  defaultSize: 'Add `defaultSize:` naming one of the sizes, e.g. `defaultSize: small`.',
  user: 'Add `user: ec2-user` (the login user of Amazon Linux).',
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
      } else if (archOfInstanceType(type) !== arch) {
        diagnostics.push(
          at(['sizes', size, arch], `${type} is an ${archOfInstanceType(type)} instance type, listed under ${arch}.`, `Use a ${arch} type here, e.g. ${EXAMPLE_TYPE[arch]}: Graviton (arm64) families have a "g" after the generation number.`)
        );
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

function fullPackages(packages: Partial<TemplatePackages> = {}): TemplatePackages {
  return { system: packages.system ?? [], conda: packages.conda ?? [], pip: packages.pip ?? [] };
}

/** Graviton families carry a "g" after the generation: t4g, m7g, c7gn, r8g, g5g. */
export function archOfInstanceType(instanceType: string): Arch {
  const family = instanceType.split('.')[0];
  const attributes = family.replace(/^[a-z-]+\d+/, '');
  return attributes.includes('g') ? 'arm64' : 'x86_64';
}
