import type { WorkstationRecord } from './ports';

/** The tags a workstation's instance carries: who launched it, from what, for which project. */
export function launchTags(record: WorkstationRecord): Record<string, string> {
  return {
    Name: record.name,
    'prism:launch': record.id,
    'prism:owner': record.owner,
    'prism:template': record.template,
    'prism:template-version': record.templateVersion,
    ...(record.project ? { 'prism:project': record.project } : {})
  };
}
