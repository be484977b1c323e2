/**
 * "All projects": what a Prism admin sees of every project, read-only. The
 * service answers counts only, so there is nothing here to open or act on:
 * that still takes a role in the project.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ProjectOverview } from '../../../server/src/contract/projects';

export function AllProjectsSection(props: {
  projects: ReadonlyArray<ProjectOverview>;
  trans: TranslationBundle;
}): JSX.Element {
  const { projects, trans } = props;
  return (
    <section className="jp-Prism-allProjects" aria-label={trans.__('All projects')}>
      <h3>{trans.__('All projects')}</h3>
      <p className="jp-Prism-allProjectsNote">
        {trans.__(
          'As a Prism admin you see every project’s counts; to see inside one, ask one of its admins to add you.'
        )}
      </p>
      {projects.length === 0 ? (
        <p className="jp-Prism-empty">{trans.__('Nobody has made a project yet.')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{trans.__('Project')}</th>
              <th>{trans.__('Admins')}</th>
              <th>{trans.__('Members')}</th>
              <th>{trans.__('Budget spent / limit')}</th>
              <th>{trans.__('Workstations running / total')}</th>
            </tr>
          </thead>
          <tbody>
            {projects.map(p => (
              <tr key={p.id} className="jp-Prism-allProject" data-project={p.id}>
                <td>{p.name}</td>
                <td className="jp-Prism-allProjectAdmins">{p.admins.join(', ')}</td>
                <td className="jp-Prism-allProjectMembers">
                  {trans.__(
                    '%1 admins, %2 members, %3 viewers',
                    p.members.admins,
                    p.members.members,
                    p.members.viewers
                  )}
                </td>
                <td className="jp-Prism-allProjectBudget" data-status={p.budget?.status ?? 'none'}>
                  {p.budget
                    ? trans.__('%1 / %2', usd(p.budget.spend), usd(p.budget.monthlyUsd))
                    : trans.__('No budget')}
                </td>
                <td className="jp-Prism-allProjectWorkstations">
                  {trans.__('%1 / %2', p.workstations.running, p.workstations.total)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
