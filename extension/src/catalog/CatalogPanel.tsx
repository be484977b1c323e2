import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  ReactWidget,
  refreshIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';

import type { CatalogTemplate } from '../../../server/src/contract/catalog';
import { ProblemNotice } from '../widgets/ProblemNotice';
import type { CatalogModel } from './catalog-model';
import { ReviewForm, Stars } from './ReviewForm';

/** How long typing pauses before the search runs. */
const SEARCH_DELAY_MS = 250;

/** The community catalog: search, install, allow, rate and review. */
export class CatalogPanel extends ReactWidget {
  constructor(
    private readonly _model: CatalogModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-panel');
    this.addClass('jp-Prism-catalog');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => <CatalogView model={this._model} trans={this._trans} />}
      </UseSignal>
    );
  }
}

function CatalogView(props: {
  model: CatalogModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [query, setQuery] = React.useState(model.query);
  React.useEffect(() => {
    if (query === model.query) return;
    const timer = setTimeout(() => void model.load(query), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query]);

  const listing = model.listing;
  return (
    <div className="jp-Prism-content">
      <div className="jp-Prism-header">
        <div>
          <div className="jp-Prism-title">
            {listing?.catalog.name ?? trans.__('Template catalog')}
          </div>
          <div className="jp-Prism-subtitle">
            {trans.__('Community templates; admins allow and install them for everyone here.')}
          </div>
        </div>
        <Button
          className="jp-Prism-refresh"
          minimal
          title={trans.__('Read the catalog again')}
          onClick={() => void model.load(query, true)}
        >
          <refreshIcon.react tag="span" />
        </Button>
      </div>
      <input
        className="jp-Prism-catalogSearch jp-mod-styled"
        type="search"
        placeholder={trans.__('Search templates')}
        aria-label={trans.__('Search templates')}
        value={query}
        onChange={event => setQuery(event.target.value)}
      />
      {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
      {listing && listing.templates.length === 0 && (
        <div className="jp-Prism-catalogEmpty">{trans.__('No template matches.')}</div>
      )}
      <ul className="jp-Prism-catalogList" aria-label={trans.__('Catalog templates')}>
        {listing?.templates.map(t => (
          <CatalogEntry key={t.name} template={t} model={model} trans={trans} />
        ))}
      </ul>
    </div>
  );
}

function CatalogEntry(props: {
  template: CatalogTemplate;
  model: CatalogModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { template: t, model, trans } = props;
  const busy = model.isBusy(t.name);
  const problem = model.problemOf(t.name);
  const current = t.installed !== null && !t.updateAvailable;
  return (
    <li className="jp-Prism-catalogEntry" data-template={t.name}>
      <div className="jp-Prism-catalogHeading">
        <span className="jp-Prism-templateTitle">{t.title}</span>
        <span className="jp-Prism-templateVersion">
          {t.name} {t.version}
        </span>
        {t.installed !== null && (
          <span className="jp-Prism-catalogBadge">
            {trans.__('Installed %1', t.installed)}
          </span>
        )}
        {t.updateAvailable && (
          <span className="jp-Prism-catalogBadge jp-mod-update">
            {trans.__('Update %1', t.version)}
          </span>
        )}
      </div>
      <div className="jp-Prism-templateDescription">{t.description}</div>
      <div className="jp-Prism-catalogFacts">
        {t.arches.map(arch => (
          <span key={arch} className="jp-Prism-archBadge">
            {arch}
          </span>
        ))}
        {t.inherits && <span>{trans.__('builds on %1', t.inherits)}</span>}
        <Stars value={t.rating.average} trans={trans} />
        <span className="jp-Prism-catalogCount">
          {trans._n('%1 rating', '%1 ratings', t.rating.count)}
        </span>
      </div>
      {model.isAdmin && (
        <div className="jp-Prism-actions">
          <label className="jp-Prism-catalogAllow">
            <input
              type="checkbox"
              checked={t.allowed}
              disabled={busy}
              onChange={event => void model.setAllowed(t.name, event.target.checked)}
            />
            {trans.__('Allowed here')}
          </label>
          <Button
            className="jp-Prism-catalogInstall"
            disabled={busy || !t.allowed || current}
            title={t.allowed ? '' : trans.__('Allow it first')}
            onClick={() => void model.install(t.name)}
          >
            {current
              ? trans.__('Installed')
              : t.updateAvailable
                ? trans.__('Update to %1', t.version)
                : trans.__('Install')}
          </Button>
        </div>
      )}
      {problem && <ProblemNotice problem={problem} trans={trans} />}
      {problem?.diagnostics && (
        <ul className="jp-Prism-catalogDiagnostics">
          {problem.diagnostics.map((d, i) => (
            <li key={i}>
              <code>
                {d.file}:{d.line}:{d.column}
              </code>{' '}
              {d.message} <em>{d.hint}</em>
            </li>
          ))}
        </ul>
      )}
      <ReviewForm template={t.name} model={model} busy={busy} trans={trans} />
    </li>
  );
}
