/**
 * The preview of the selected object: text, a CSV's first rows as a table,
 * an image, a notebook's cells (read-only), or why there is none.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { DatasetPreview } from '../../../server/src/contract/datasets';
import { ProblemNotice } from '../widgets/ProblemNotice';
import type { IPreviewState } from './datasets-model';
import { notebookCells } from './notebook-cells';
import { formatBytes } from './sizes';

export function ObjectPreview(props: {
  state: IPreviewState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  const name = state.path.slice(state.path.lastIndexOf('/') + 1);
  return (
    <section className="jp-Prism-datasetPreview" aria-label={trans.__('Preview of %1', name)}>
      <h3 className="jp-Prism-datasetPreviewTitle" title={state.path}>
        {name}
      </h3>
      {state.problem && <ProblemNotice problem={state.problem} trans={trans} />}
      {!state.problem && !state.preview && (
        <div className="jp-Prism-empty">{trans.__('Loading preview…')}</div>
      )}
      {state.preview && <PreviewBody preview={state.preview} name={name} trans={trans} />}
    </section>
  );
}

function PreviewBody(props: {
  preview: DatasetPreview;
  name: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { preview, name, trans } = props;
  const cut = preview.truncated ? (
    <div className="jp-Prism-datasetPreviewCut">
      {trans.__('Only the beginning of this %1 file is shown.', formatBytes(preview.size))}
    </div>
  ) : null;
  switch (preview.kind) {
    case 'csv':
      return (
        <div data-kind="csv">
          <CsvTable rows={preview.rows ?? []} trans={trans} />
          {cut}
        </div>
      );
    case 'image':
      return preview.dataUrl ? (
        <div data-kind="image">
          <img className="jp-Prism-datasetPreviewImage" src={preview.dataUrl} alt={name} />
        </div>
      ) : (
        <NoPreview why={trans.__('This image is too large to preview; download it to look at it.')} />
      );
    case 'notebook':
      return (
        <div data-kind="notebook">
          <NotebookCells text={preview.text ?? ''} trans={trans} />
        </div>
      );
    case 'text':
      return (
        <div data-kind="text">
          <pre className="jp-Prism-datasetPreviewText">{preview.text ?? ''}</pre>
          {cut}
        </div>
      );
    case 'binary':
      return (
        <NoPreview
          why={trans.__('No preview for %1 (%2); download it to open it.', preview.contentType, formatBytes(preview.size))}
        />
      );
  }
}

function CsvTable(props: { rows: string[][]; trans: TranslationBundle }): JSX.Element {
  const [header, ...body] = props.rows;
  if (!header) {
    return <NoPreview why={props.trans.__('This CSV file is empty.')} />;
  }
  return (
    <div className="jp-Prism-datasetPreviewTableWrap">
      <table className="jp-Prism-datasetPreviewTable">
        <thead>
          <tr>
            {header.map((cell, i) => (
              <th key={i}>{cell}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NotebookCells(props: { text: string; trans: TranslationBundle }): JSX.Element {
  const { trans } = props;
  const cells = notebookCells(props.text);
  if (!cells) {
    return (
      <NoPreview why={trans.__('This notebook is too large to preview whole; download it to open it.')} />
    );
  }
  if (!cells.length) {
    return <NoPreview why={trans.__('This notebook has no cells.')} />;
  }
  return (
    <ol className="jp-Prism-notebookCells">
      {cells.map((cell, i) => (
        <li key={i} className="jp-Prism-notebookCell" data-cell-kind={cell.kind}>
          <span className="jp-Prism-notebookCellKind">
            {cell.kind === 'code' ? trans.__('Code') : cell.kind === 'markdown' ? trans.__('Markdown') : trans.__('Raw')}
          </span>
          <pre>{cell.source}</pre>
        </li>
      ))}
    </ol>
  );
}

function NoPreview(props: { why: string }): JSX.Element {
  return (
    <div className="jp-Prism-empty" data-kind="none">
      {props.why}
    </div>
  );
}
