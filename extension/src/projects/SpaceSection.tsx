/**
 * The opened project's shared EFS space: where its workstations mount it and
 * how the caller reaches it (read-write, or read-only for a viewer); a project
 * admin makes it when there is none. Others see that there is none yet.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Problem } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import type { ProjectSpace } from '../../../server/src/contract/team';
import type { ProjectsModel } from './projects-model';

export function SpaceSection(props: { model: ProjectsModel; space: ProjectSpace | null; trans: TranslationBundle }): JSX.Element {
  const { model, space, trans } = props;
  const [problem, setProblem] = React.useState<Problem | null>(null);
  const [busy, setBusy] = React.useState(false);
  const make = async (): Promise<void> => {
    setBusy(true);
    setProblem(await model.makeSpace());
    setBusy(false);
  };
  // Viewers' access points are read-only (docs/api.md, "Project space").
  const readOnly = model.opened?.project.role === 'viewer';
  return (
    <div className="jp-Prism-projectSpace" data-made={space ? 'yes' : 'no'}>
      <h4>{trans.__('Shared space')}</h4>
      {space ? (
        <p className="jp-Prism-projectSpaceWhere">
          {trans.__('Mounted at %1 on the project’s workstations (folder %2, group %3).', space.mountPoint, space.path, space.gid)}{' '}
          <span className="jp-Prism-projectSpaceAccess">
            {readOnly ? trans.__('You read it.') : trans.__('You read and write it.')}
          </span>
        </p>
      ) : (
        <p className="jp-Prism-empty">{trans.__('No shared space yet.')}</p>
      )}
      {!space && model.canManage && (
        <Button className="jp-Prism-makeSpace" disabled={busy} onClick={() => void make()}>
          {busy ? trans.__('Making the shared space…') : trans.__('Make the shared space')}
        </Button>
      )}
      {problem && <ProblemNotice problem={problem} trans={trans} />}
    </div>
  );
}
