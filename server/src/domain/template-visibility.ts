/**
 * The templates one user may see: the library's, and a project's only for
 * those in that project. For anyone else a project template does not exist
 * (404, TEMPLATE_NOT_FOUND), as a project they are not in does not.
 */
import { notFound } from './errors';
import type { TemplateCatalog, VersionedTemplateCatalog } from './ports';
import type { Template } from './template';

/** Whether the user is in `project` (any role). */
export type InProject = (project: string) => boolean;

export function visibleTemplate(template: Template | undefined, inProject: InProject): Template | undefined {
  return template && (template.project === undefined || inProject(template.project)) ? template : undefined;
}

export function catalogFor(catalog: TemplateCatalog, inProject: InProject): TemplateCatalog {
  return {
    list: () => catalog.list().filter(t => visibleTemplate(t, inProject)),
    get: (name, version) => visibleTemplate(catalog.get(name, version), inProject),
    validate: (yamlText, fileName) => catalog.validate(yamlText, fileName)
  };
}

export function versionedCatalogFor(catalog: VersionedTemplateCatalog, inProject: InProject): VersionedTemplateCatalog {
  // Names are unique across scopes (templates/project-templates.ts), so any version tells the name's project.
  const visible = (name: string): boolean => {
    const newestKept = catalog.history(name)?.[0]?.version;
    const any = catalog.get(name) ?? (newestKept === undefined ? undefined : catalog.get(name, newestKept));
    return any === undefined || visibleTemplate(any, inProject) !== undefined;
  };
  return {
    ...catalogFor(catalog, inProject),
    history: name => (visible(name) ? catalog.history(name) : undefined),
    setCurrent: (name, version) => {
      if (!visible(name)) throw notFound('template', `${name} ${version}`, 'List the templates you can launch with GET /templates.');
      catalog.setCurrent(name, version);
    }
  };
}
