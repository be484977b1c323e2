/**
 * The projects view: the researcher's projects with their role, and the one
 * opened: members, policy (allowed templates, sizes, workstations used of
 * allowed), budget and workstations. Project admins manage members and the
 * policy here; everyone else reads it, without the buttons. A Prism admin
 * also sees every project's counts, below.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Problem, TemplateSummary } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import { AllProjectsSection } from './AllProjectsSection';
import { MembersSection } from './MembersSection';
import { PolicySection } from './PolicySection';
import { SpaceSection } from './SpaceSection';
import type { IProjectView, ProjectsModel } from './projects-model';
import { roleText } from './role-text';

export class ProjectsPanel extends ReactWidget {
  constructor(
    readonly model: ProjectsModel,
    private readonly _templates: () => ReadonlyArray<TemplateSummary>,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-projectsPanel');
  }

  protected render(): JSX.Element {
    const model = this.model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-projects" aria-busy={model.loading}>
            <ViewHeader
              title={trans.__('Projects')}
              refreshLabel={trans.__('Reload the projects')}
              refreshClassName="jp-Prism-projectsRefresh"
              onRefresh={() => void model.load()}
            />
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            <div className="jp-Prism-projectsBody">
              <nav className="jp-Prism-projectList" aria-label={trans.__('Your projects')}>
                {model.projects.length === 0 && !model.loading && (
                  <p className="jp-Prism-empty">{trans.__('You are in no project yet.')}</p>
                )}
                <ul>
                  {model.projects.map(p => (
                    <li key={p.id}>
                      <button
                        className="jp-Prism-projectRow"
                        data-project={p.id}
                        aria-current={p.id === model.selectedId}
                        onClick={() => void model.select(p.id)}
                      >
                        <span className="jp-Prism-projectName">{p.name}</span>
                        <span className="jp-Prism-roleBadge" data-role={p.role}>
                          {roleText(p.role, trans)}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
                <CreateProject model={model} trans={trans} />
              </nav>
              {model.opened && (
                <ProjectDetail
                  model={model}
                  opened={model.opened}
                  templates={this._templates()}
                  trans={trans}
                />
              )}
            </div>
            {model.allProjects && <AllProjectsSection projects={model.allProjects} trans={trans} />}
          </div>
        )}
      </UseSignal>
    );
  }
}

function ProjectDetail(props: {
  model: ProjectsModel;
  opened: IProjectView;
  templates: ReadonlyArray<TemplateSummary>;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, opened, templates, trans } = props;
  const { project, budget, workstations } = opened;
  return (
    <section className="jp-Prism-project" data-project={project.id} data-role={project.role}>
      <h3 className="jp-Prism-projectTitle">
        {project.name}{' '}
        <span className="jp-Prism-roleBadge" data-role={project.role}>
          {trans.__('you: %1', roleText(project.role, trans))}
        </span>
      </h3>
      {project.description && <p className="jp-Prism-projectDescription">{project.description}</p>}
      <MembersSection model={model} members={project.members} trans={trans} />
      <PolicySection model={model} policy={opened.policy} templates={templates} trans={trans} />
      <SpaceSection model={model} space={opened.space} trans={trans} />
      <h4>{trans.__('Budget')}</h4>
      <p className="jp-Prism-projectBudget">
        {budget
          ? trans.__(
              '%1 spent of %2 this month (%3 %)',
              usd(budget.spend),
              usd(budget.monthlyUsd),
              budget.percent
            )
          : trans.__('No budget set.')}
      </p>
      <h4>{trans.__('Workstations')}</h4>
      {workstations.length === 0 ? (
        <p className="jp-Prism-empty">{trans.__('No workstations in this project.')}</p>
      ) : (
        <table className="jp-Prism-projectWorkstations">
          <thead>
            <tr>
              <th>{trans.__('Name')}</th>
              <th>{trans.__('Owner')}</th>
              <th>{trans.__('Template')}</th>
              <th>{trans.__('Size')}</th>
              <th>{trans.__('State')}</th>
            </tr>
          </thead>
          <tbody>
            {workstations.map(w => (
              <tr key={w.id} className="jp-Prism-projectWorkstation" data-state={w.state}>
                <td>{w.name}</td>
                <td>{w.owner}</td>
                <td>{w.template}</td>
                <td>{trans.__('%1 (%2)', w.size, w.instanceType)}</td>
                <td>{w.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Anyone may make a project (the service's rule); they become its admin. */
function CreateProject(props: { model: ProjectsModel; trans: TranslationBundle }): JSX.Element {
  const { model, trans } = props;
  const [name, setName] = React.useState('');
  const [description, setDescription] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [problem, setProblem] = React.useState<Problem | null>(null);
  const create = async (): Promise<void> => {
    setBusy(true);
    const refused = await model.createProject(name, description);
    setBusy(false);
    setProblem(refused);
    if (!refused) {
      setName('');
      setDescription('');
    }
  };
  return (
    <form
      className="jp-Prism-createProject"
      onSubmit={event => {
        event.preventDefault();
        void create();
      }}
    >
      <h4>{trans.__('New project')}</h4>
      <input
        className="jp-mod-styled"
        aria-label={trans.__('Project name')}
        placeholder={trans.__('Genomics Lab')}
        value={name}
        onChange={event => setName(event.currentTarget.value)}
      />
      <input
        className="jp-mod-styled"
        aria-label={trans.__('Project description')}
        placeholder={trans.__('What the team works on (optional)')}
        value={description}
        onChange={event => setDescription(event.currentTarget.value)}
      />
      <Button type="submit" className="jp-mod-accept" disabled={busy || !name.trim()}>
        {trans.__('Create project')}
      </Button>
      {problem && <ProblemNotice problem={problem} trans={trans} />}
    </form>
  );
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
