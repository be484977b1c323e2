/**
 * The audit log, for Prism admins: filters (user, action, object, result,
 * days), the matching entries a page at a time, newest first, and Export CSV
 * of everything the filters match.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { problemOf } from '../api';
import type { Problem } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import type { AuditEntry } from '../../../server/src/contract/audit';
import { NO_FILTERS, type AuditModel, type IAuditFilters } from './audit-model';

export class AuditPanel extends ReactWidget {
  constructor(
    private readonly _model: AuditModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-auditPanel');
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-audit">
            <ViewHeader
              title={trans.__('Audit log')}
              refreshLabel={trans.__('Reload the audit log')}
              refreshClassName="jp-Prism-auditRefresh"
              onRefresh={() => void model.reload()}
            />
            <AuditFilters model={model} trans={trans} />
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            <AuditTable entries={model.entries} loading={model.loading} trans={trans} />
            <nav className="jp-Prism-auditPager" aria-label={trans.__('Audit log pages')}>
              <Button
                className="jp-Prism-auditNewer"
                disabled={!model.hasNewer || model.loading}
                onClick={() => void model.newer()}
              >
                {trans.__('Newer')}
              </Button>
              <span className="jp-Prism-auditPage">{trans.__('Page %1', model.pageNumber)}</span>
              <Button
                className="jp-Prism-auditOlder"
                disabled={!model.hasOlder || model.loading}
                onClick={() => void model.older()}
              >
                {trans.__('Older')}
              </Button>
            </nav>
          </div>
        )}
      </UseSignal>
    );
  }
}

const FIELDS: { name: keyof IAuditFilters; label: string; type: 'text' | 'date'; placeholder?: string }[] = [
  { name: 'user', label: 'User', type: 'text', placeholder: 'alice' },
  { name: 'action', label: 'Action', type: 'text', placeholder: 'stop' },
  { name: 'object', label: 'Object', type: 'text', placeholder: 'ws-… or a project' },
  { name: 'result', label: 'Result', type: 'text', placeholder: '403, 4xx or FORBIDDEN' },
  { name: 'from', label: 'From', type: 'date' },
  { name: 'to', label: 'To', type: 'date' }
];

function AuditFilters(props: { model: AuditModel; trans: TranslationBundle }): JSX.Element {
  const { model, trans } = props;
  const [draft, setDraft] = React.useState<IAuditFilters>(model.filters);
  const [exporting, setExporting] = React.useState(false);
  const [exportProblem, setExportProblem] = React.useState<Problem | null>(null);
  const exportCsv = async (): Promise<void> => {
    setExporting(true);
    setExportProblem(null);
    try {
      saveToDownloads(await model.exportCsv(), 'prism-audit.csv');
    } catch (reason) {
      setExportProblem(problemOf(reason));
    }
    setExporting(false);
  };
  return (
    <form
      className="jp-Prism-auditFilters"
      aria-label={trans.__('Audit log filters')}
      onSubmit={event => {
        event.preventDefault();
        void model.filter(draft);
      }}
    >
      {FIELDS.map(field => (
        <label key={field.name} className="jp-Prism-auditField">
          <span>{trans.__(field.label)}</span>
          <input
            className="jp-mod-styled"
            name={field.name}
            type={field.type}
            placeholder={field.placeholder && trans.__(field.placeholder)}
            value={draft[field.name]}
            onChange={event => setDraft({ ...draft, [field.name]: event.target.value })}
          />
        </label>
      ))}
      <div className="jp-Prism-auditActions">
        <Button type="submit" className="jp-Prism-auditApply">
          {trans.__('Apply')}
        </Button>
        <Button
          className="jp-Prism-auditClear"
          minimal
          onClick={() => {
            setDraft(NO_FILTERS);
            void model.filter(NO_FILTERS);
          }}
        >
          {trans.__('Clear')}
        </Button>
        <Button
          className="jp-Prism-auditExport"
          title={trans.__('Download every entry the applied filters match, as CSV')}
          disabled={exporting}
          onClick={() => void exportCsv()}
        >
          {exporting ? trans.__('Exporting…') : trans.__('Export CSV')}
        </Button>
      </div>
      {exportProblem && <ProblemNotice problem={exportProblem} trans={trans} />}
    </form>
  );
}

function AuditTable(props: {
  entries: ReadonlyArray<AuditEntry>;
  loading: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { entries, loading, trans } = props;
  if (!entries.length) {
    return (
      <div className="jp-Prism-empty">
        {loading ? trans.__('Loading the audit log…') : trans.__('No entries match these filters.')}
      </div>
    );
  }
  return (
    <table className="jp-Prism-auditTable" aria-label={trans.__('Audit log entries')}>
      <thead>
        <tr>
          <th>{trans.__('When')}</th>
          <th>{trans.__('User')}</th>
          <th>{trans.__('Action')}</th>
          <th>{trans.__('Object')}</th>
          <th>{trans.__('Result')}</th>
          <th>{trans.__('Address')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(entry => (
          <tr key={entry.seq} data-seq={entry.seq}>
            <td title={entry.at}>{new Date(entry.at).toLocaleString()}</td>
            <td>{entry.user ?? <em>{trans.__('no valid token')}</em>}</td>
            <td className="jp-Prism-auditAction">{entry.action}</td>
            <td className="jp-Prism-auditObject">{entry.object ?? ''}</td>
            <td className={entry.result.status < 400 ? 'jp-Prism-auditAllowed' : 'jp-Prism-auditRefused'}>
              {entry.result.code ? `${entry.result.status} ${entry.result.code}` : String(entry.result.status)}
            </td>
            <td>{entry.address}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The browser's own download of `blob`, named `fileName`. */
function saveToDownloads(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click has handed the blob to the browser by the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
