import { Clipboard } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  copyIcon,
  downloadIcon,
  HTMLSelect,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { CommandIDs, IPrismModel } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { TemplateBuilderModel, type ValidationState } from './builder-model';
import { Field, FieldProblems, PackagePicker } from './FormParts';
import { ServicesEditor, SizesEditor } from './ListEditors';
import { ARCHES, FIELDS, PACKAGE_KINDS } from './schema-fields';
import { YamlPreview } from './YamlPreview';

/** The visual template builder: the form, and the live YAML beside it. */
export class TemplateBuilder extends ReactWidget {
  constructor(
    prism: IPrismModel,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this._model = new TemplateBuilderModel(prism);
    this.addClass('jp-Prism-builder');
  }

  dispose(): void {
    this._model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => (
          <BuilderView
            model={this._model}
            commands={this._commands}
            trans={this._trans}
          />
        )}
      </UseSignal>
    );
  }

  private readonly _model: TemplateBuilderModel;
}

function BuilderView(props: {
  model: TemplateBuilderModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, commands, trans } = props;
  const { draft } = model;
  const of = (field: string) => model.diagnosticsOf(field);
  const exact = (field: string) => of(field).filter(d => d.field === field);
  const text = (field: 'name' | 'title' | 'description' | 'version') => (
    <Field text={FIELDS[field]} field={field} diagnostics={of(field)} trans={trans}>
      <input
        className="jp-mod-styled"
        aria-label={trans.__(FIELDS[field].label)}
        placeholder={trans.__(FIELDS[field].hint)}
        value={draft[field]}
        onChange={event => model.update({ [field]: event.currentTarget.value })}
      />
    </Field>
  );
  const parent = model.parents.find(t => t.name === draft.inherits);
  const sizeNames = [
    ...new Set([
      ...draft.sizes.map(s => s.name.trim()).filter(Boolean),
      ...ARCHES.flatMap(arch => (parent?.sizes[arch] ?? []).map(s => s.name))
    ])
  ];
  const unplaced = model.diagnostics.filter(d => !d.field);

  return (
    <div className="jp-Prism-builderContent">
      <header className="jp-Prism-header">
        <h2 className="jp-Prism-title">{trans.__('New Prism Template')}</h2>
        <ValidationBadge
          state={model.validation}
          count={model.diagnostics.length}
          trans={trans}
        />
        <div className="jp-Prism-builderActions">
          <Button
            className="jp-Prism-builderExport"
            aria-label={trans.__('Download YAML')}
            title={trans.__('Download YAML')}
            onClick={() => download(model.yaml, model.fileName)}
          >
            <downloadIcon.react tag="span" /> {trans.__('Export YAML')}
          </Button>
          <Button
            className="jp-Prism-builderCopy"
            aria-label={trans.__('Copy YAML')}
            title={trans.__('Copy YAML')}
            onClick={() => Clipboard.copyToSystem(model.yaml)}
          >
            <copyIcon.react tag="span" />
          </Button>
          <HTMLSelect
            className="jp-Prism-builderScope"
            aria-label={trans.__('Save for')}
            title={trans.__('Who the saved template is for')}
            value={model.scope}
            onChange={event => model.setScope(event.currentTarget.value)}
          >
            <option value="">{trans.__('Everyone (admin)')}</option>
            {model.projects.map(p => (
              <option key={p.id} value={p.id}>
                {trans.__('Project: %1', p.name)}
              </option>
            ))}
          </HTMLSelect>
          <Button
            className="jp-Prism-builderSave jp-mod-accept"
            disabled={model.validation !== 'valid' || model.saving}
            onClick={() => void model.save()}
          >
            {model.saving ? trans.__('Saving…') : trans.__('Save')}
          </Button>
        </div>
      </header>
      {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
      {model.saved && (
        <div className="jp-Prism-builderSaved" role="status">
          {model.saved.project
            ? trans.__(
                'Saved %1 %2 in project %3: its members can launch it now.',
                model.saved.name,
                model.saved.version,
                model.saved.project
              )
            : trans.__(
                'Saved %1 %2: it can be launched now.',
                model.saved.name,
                model.saved.version
              )}
          <Button small onClick={() => void commands.execute(CommandIDs.open)}>
            {trans.__('Open Prism panel')}
          </Button>
        </div>
      )}
      <div className="jp-Prism-builderColumns">
        <form
          className="jp-Prism-builderForm"
          onSubmit={event => event.preventDefault()}
        >
          <Field text={FIELDS.inherits} field="inherits" diagnostics={of('inherits')} trans={trans}>
            <HTMLSelect
              aria-label={trans.__(FIELDS.inherits.label)}
              value={draft.inherits}
              onChange={event => model.update({ inherits: event.currentTarget.value })}
              options={[
                { value: '', label: trans.__('(none)') },
                ...model.parents.map(t => ({
                  value: t.name,
                  label: `${t.title || t.name} (${t.name} ${t.version})`
                }))
              ]}
            />
          </Field>
          {text('name')}
          {text('title')}
          {text('description')}
          {text('version')}
          <fieldset className="jp-Prism-builderSection" data-field="packages">
            <legend>{trans.__(FIELDS.packages.label)}</legend>
            <div className="jp-Prism-builderDescription">
              {trans.__(FIELDS.packages.description)}
            </div>
            {PACKAGE_KINDS.map(({ kind, ...kindText }) => (
              <PackagePicker
                key={kind}
                kind={kind}
                text={kindText}
                field={`packages.${kind}`}
                chosen={draft.packages[kind]}
                diagnosticsOf={of}
                onChange={list =>
                  model.update({ packages: { ...draft.packages, [kind]: list } })
                }
                trans={trans}
              />
            ))}
            <FieldProblems diagnostics={exact('packages')} />
          </fieldset>
          <fieldset className="jp-Prism-builderSection" data-field="archPackages">
            <legend>{trans.__(FIELDS.archPackages.label)}</legend>
            <div className="jp-Prism-builderDescription">
              {trans.__(FIELDS.archPackages.description)}
            </div>
            {ARCHES.map(arch => (
              <details key={arch} className="jp-Prism-builderArch" data-arch={arch}>
                <summary>{arch}</summary>
                {PACKAGE_KINDS.map(({ kind, ...kindText }) => (
                  <PackagePicker
                    key={kind}
                    kind={kind}
                    text={{ ...kindText, label: `${kindText.label} (${arch})` }}
                    field={`archPackages.${arch}.${kind}`}
                    chosen={draft.archPackages[arch][kind]}
                    diagnosticsOf={of}
                    onChange={list =>
                      model.update({
                        archPackages: {
                          ...draft.archPackages,
                          [arch]: { ...draft.archPackages[arch], [kind]: list }
                        }
                      })
                    }
                    trans={trans}
                  />
                ))}
              </details>
            ))}
          </fieldset>
          <ServicesEditor
            services={draft.services}
            diagnosticsOf={of}
            onChange={services => model.update({ services })}
            trans={trans}
          />
          <SizesEditor
            sizes={draft.sizes}
            instanceTypes={model.knownInstanceTypes}
            diagnosticsOf={of}
            onChange={sizes => model.update({ sizes })}
            trans={trans}
          />
          <Field text={FIELDS.defaultSize} field="defaultSize" diagnostics={of('defaultSize')} trans={trans}>
            <HTMLSelect
              aria-label={trans.__(FIELDS.defaultSize.label)}
              value={draft.defaultSize}
              onChange={event => model.update({ defaultSize: event.currentTarget.value })}
              options={[
                { value: '', label: trans.__('(the parent’s)') },
                ...sizeNames.map(name => ({ value: name, label: name }))
              ]}
            />
          </Field>
        </form>
        <aside className="jp-Prism-builderPreview">
          <h3 className="jp-Prism-subtitle">{model.fileName}</h3>
          <FieldProblems diagnostics={unplaced} />
          <YamlPreview yaml={model.yaml} diagnostics={model.diagnostics} trans={trans} />
        </aside>
      </div>
    </div>
  );
}

function ValidationBadge(props: {
  state: ValidationState;
  count: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, count, trans } = props;
  const label = {
    pending: trans.__('checking…'),
    valid: trans.__('valid'),
    invalid: trans._n('%1 problem', '%1 problems', count),
    unavailable: trans.__('cannot check now')
  }[state];
  return (
    <span className="jp-Prism-validation" data-state={state} role="status">
      {label}
    </span>
  );
}

/** Hand the YAML to the browser as a file download. */
function download(yaml: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}
