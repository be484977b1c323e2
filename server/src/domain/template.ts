/**
 * A research template as the domain uses it: parsed, validated and with
 * inheritance already applied (see server/src/templates/).
 */
import type { Arch } from '../contract/events';
import type { IdleSetting } from './idle';

export interface ImageSource {
  /** SSM public parameter holding the image id for this arch. */
  ssmParameter?: string;
  /** DescribeImages fallback: owner and name pattern, newest image wins. */
  owner?: string;
  namePattern?: string;
}

export interface TemplateService {
  name: string;
  port: number;
  /** HTTP path answered when the service is healthy, e.g. `/api` for Jupyter. */
  healthPath: string;
}

/** The image's operating system: it picks the package manager (dnf or apt-get). */
export type TemplateOs = 'amazon-linux-2023' | 'ubuntu-24.04';

export const DEFAULT_OS: TemplateOs = 'amazon-linux-2023';

export type ParameterValue = string | number | boolean;

/** A choice the researcher makes at launch; `${name}` in packages and setup takes its value. */
export interface TemplateParameter {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'enum';
  default: ParameterValue;
  description: string;
  /** For `enum`: the values offered. */
  enum?: ParameterValue[];
}

export interface TemplatePackages {
  /** OS packages (dnf on Amazon Linux, apt on Ubuntu). */
  system: string[];
  conda: string[];
  pip: string[];
}

export interface Template {
  name: string;
  title: string;
  description: string;
  version: string;
  arches: Arch[];
  /** Per arch: where the image comes from. */
  image: Record<Arch, ImageSource>;
  /** size name → arch → instance type. */
  sizes: Record<string, Partial<Record<Arch, string>>>;
  defaultSize: string;
  /** Packages for every arch, plus what differs per arch (appended). */
  packages: TemplatePackages;
  archPackages: Partial<Record<Arch, Partial<TemplatePackages>>>;
  /** Conda channels, in priority order. */
  condaChannels: string[];
  services: TemplateService[];
  /** The login user on the workstation (`ec2-user` on Amazon Linux). */
  user: string;
  rootVolumeGiB: number;
  /**
   * Shell commands run as root after the packages, in order (e.g. pointing
   * RStudio Server at conda's R). Written by the template's author, an admin.
   */
  setup?: string[];
  /** Per arch: setup commands run before `setup` (e.g. a GPU driver installed differently on Graviton). */
  archSetup?: Partial<Record<Arch, string[]>>;
  /** Absent: amazon-linux-2023. */
  os?: TemplateOs;
  /** In the order the template declares them. */
  parameters?: TemplateParameter[];
  /** The idle rule (domain/idle.ts fills the defaults); `false`: never stopped for idleness. */
  idle?: IdleSetting;
  /** Where it was read from, for diagnostics. */
  source: { file: string };
  /** The project whose members alone see and launch it (`projects/<id>/` in the folder); absent: the library's, for everyone. */
  project?: string;
}

/** The packages a workstation on `arch` installs: the common ones, then the arch's own. */
export function packagesFor(template: Template, arch: Arch): TemplatePackages {
  const extra = template.archPackages[arch] ?? {};
  return {
    system: [...template.packages.system, ...(extra.system ?? [])],
    conda: [...template.packages.conda, ...(extra.conda ?? [])],
    pip: [...template.packages.pip, ...(extra.pip ?? [])]
  };
}

/** One problem found in a template file, placed where the author can fix it. */
export interface TemplateDiagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  /** What to change to fix it. */
  hint: string;
}
