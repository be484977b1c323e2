/**
 * A project's members and their roles. Project admins change a role, remove
 * a member and add one; a refusal (LAST_ADMIN, a typo'd name) shows here.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, HTMLSelect } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Problem } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import type { ProjectMember, ProjectRole } from '../../../server/src/contract/projects';
import type { ProjectsModel } from './projects-model';
import { roleText } from './role-text';

const ROLES: ProjectRole[] = ['viewer', 'member', 'admin'];

export function MembersSection(props: {
  model: ProjectsModel;
  members: ReadonlyArray<ProjectMember>;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, members, trans } = props;
  const [problem, setProblem] = React.useState<Problem | null>(null);
  const [busy, setBusy] = React.useState(false);
  const manage = model.canManage;
  const roleOptions = ROLES.map(r => ({ value: r, label: roleText(r, trans) }));
  const act = async (change: () => Promise<Problem | null>): Promise<boolean> => {
    setBusy(true);
    const refused = await change();
    setBusy(false);
    setProblem(refused);
    return refused === null;
  };

  return (
    <div className="jp-Prism-projectMembers">
      <h4>{trans.__('Members')}</h4>
      <table>
        <tbody>
          {members.map(m => (
            <tr key={m.user} className="jp-Prism-member" data-user={m.user} data-role={m.role}>
              <td className="jp-Prism-memberUser">{m.user}</td>
              <td>
                {manage ? (
                  <HTMLSelect
                    aria-label={trans.__('Role of %1', m.user)}
                    value={m.role}
                    disabled={busy}
                    options={roleOptions}
                    onChange={event => {
                      const role = event.currentTarget.value as ProjectRole;
                      void act(() => model.setMember(m.user, role));
                    }}
                  />
                ) : (
                  <span className="jp-Prism-roleBadge" data-role={m.role}>
                    {roleText(m.role, trans)}
                  </span>
                )}
              </td>
              {manage && (
                <td>
                  <Button
                    minimal
                    className="jp-Prism-removeMember"
                    aria-label={trans.__('Remove %1', m.user)}
                    disabled={busy}
                    onClick={() => void act(() => model.removeMember(m.user))}
                  >
                    {trans.__('Remove')}
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {manage && <AddMember busy={busy} onAdd={(user, role) => act(() => model.setMember(user, role))} trans={trans} />}
      {problem && <ProblemNotice problem={problem} trans={trans} />}
    </div>
  );
}

function AddMember(props: {
  busy: boolean;
  onAdd: (user: string, role: ProjectRole) => Promise<boolean>;
  trans: TranslationBundle;
}): JSX.Element {
  const { busy, onAdd, trans } = props;
  const [user, setUser] = React.useState('');
  const [role, setRole] = React.useState<ProjectRole>('member');
  return (
    <form
      className="jp-Prism-addMember"
      onSubmit={event => {
        event.preventDefault();
        void onAdd(user, role).then(added => added && setUser(''));
      }}
    >
      <input
        className="jp-mod-styled"
        aria-label={trans.__('New member')}
        placeholder={trans.__('user name')}
        value={user}
        onChange={event => setUser(event.currentTarget.value)}
      />
      <HTMLSelect
        aria-label={trans.__('New member role')}
        value={role}
        options={ROLES.map(r => ({ value: r, label: roleText(r, trans) }))}
        onChange={event => setRole(event.currentTarget.value as ProjectRole)}
      />
      <Button type="submit" className="jp-mod-accept" disabled={busy || !user.trim()}>
        {trans.__('Add member')}
      </Button>
    </form>
  );
}
