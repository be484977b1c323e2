/**
 * The launch form's "Launch in" choice: Personal or a project, and, for a
 * project with an allocation, how many workstations it leaves the researcher
 * or why none can be launched.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Project } from '../tokens';
import type { Arch } from '../../../server/src/contract/events';
import type { ProjectPolicy } from '../../../server/src/contract/projects';
import type { IAllocationLeft } from './launch-projects';

const PERSONAL = '';

export function ProjectPicker(props: {
  choices: ReadonlyArray<Project>;
  picked: Project | null;
  onPick: (id: string | null) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { choices, picked, onPick, trans } = props;
  return (
    <label className="jp-Prism-field">
      <span className="jp-Prism-label">{trans.__('Launch in')}</span>
      <HTMLSelect
        className="jp-Prism-projectSelect"
        aria-label={trans.__('Launch in')}
        value={picked?.id ?? PERSONAL}
        onChange={event => onPick(event.currentTarget.value || null)}
        options={[
          { value: PERSONAL, label: trans.__('Personal') },
          ...choices.map(p => ({ value: p.id, label: p.name }))
        ]}
      />
    </label>
  );
}

/** "1 of 2 workstations left for you in Genomics", or that none are. */
export function allocationText(
  allocation: IAllocationLeft,
  project: Project,
  trans: TranslationBundle
): string {
  return allocation.limit === 'member'
    ? trans.__('%1 of %2 workstations left for you in %3', allocation.left, allocation.of, project.name)
    : trans.__('%1 of %2 workstations left in %3', allocation.left, allocation.of, project.name);
}

/** Why a launch cannot go now, as the Launch button says it (short) and in full; null when it can. */
export function whyLaunchBlocked(
  launch: {
    /** null: Personal. */
    project: Project | null;
    /** null while it loads. */
    policy: ProjectPolicy | null;
    allocation: IAllocationLeft | null;
    /** The sizes of the template and arch that the policy allows. */
    sizesLeft: number;
    arch: Arch;
    templateTitle: string;
  },
  trans: TranslationBundle
): { label: string; reason: string } | null {
  const { project, policy, allocation } = launch;
  if (!project) return null;
  if (!policy) {
    return { label: trans.__('Launch'), reason: trans.__("Reading %1's policy…", project.name) };
  }
  if (allocation && allocation.left === 0) {
    return {
      label:
        allocation.limit === 'member'
          ? trans.__('None left for you in %1', project.name)
          : trans.__('None left in %1', project.name),
      reason: allocationUsedUp(allocation, project, trans)
    };
  }
  if (!launch.sizesLeft) {
    return {
      label: trans.__('No size allowed'),
      reason: trans.__(
        '%1 allows no %2 size of %3; pick another architecture or template.',
        project.name,
        launch.arch,
        launch.templateTitle
      )
    };
  }
  return null;
}

function allocationUsedUp(
  allocation: IAllocationLeft,
  project: Project,
  trans: TranslationBundle
): string {
  return allocation.limit === 'member'
    ? trans.__(
        'Your share of the workstations in %1 is used up (stopped and hibernated ones count): terminate one you no longer need, or ask a project admin to raise the allocation.',
        project.name
      )
    : trans.__(
        '%1 has used up its workstations (stopped and hibernated ones count): terminate one it no longer needs, or ask a project admin to raise the allocation.',
        project.name
      );
}
