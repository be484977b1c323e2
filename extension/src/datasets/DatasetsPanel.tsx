/**
 * The "Datasets" sidebar: the datasets and volumes at the top; inside a
 * dataset its folders and objects (a virtualised list), the selected
 * object's preview, and the uploads in progress.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  caretLeftIcon,
  caretUpIcon,
  addIcon,
  copyIcon,
  downloadIcon,
  fileIcon,
  fileUploadIcon,
  folderIcon,
  LabIcon,
  linkIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import type { Dataset, Volume } from '../../../server/src/contract/datasets';
import { CommandIDs } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import type { DatasetEntry, DatasetSelection, DatasetsModel, IDatasetLocation, IUploadState } from './datasets-model';
import { ObjectPreview } from './ObjectPreview';
import { formatBytes, formatDate } from './sizes';
import { VirtualList } from './VirtualList';

/** Pixels; the list's rows all have this height (style/datasets.css agrees). */
const ROW_HEIGHT = 38;

export class DatasetsPanel extends ReactWidget {
  constructor(
    private readonly _model: DatasetsModel,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-datasetsPanel');
  }

  /** Nothing is asked of the service until the researcher first opens the sidebar. */
  protected onAfterShow(): void {
    if (!this._shown) {
      this._shown = true;
      void this._commands.execute(CommandIDs.refreshDatasets);
    }
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    const commands = this._commands;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-datasets">
            <ViewHeader
              title={trans.__('Datasets')}
              refreshLabel={trans.__('Reload datasets')}
              refreshClassName="jp-Prism-datasetsRefresh"
              onRefresh={() => void commands.execute(CommandIDs.refreshDatasets)}
            />
            {model.location ? (
              <Browser model={model} at={model.location} commands={commands} trans={trans} />
            ) : (
              <TopLevel model={model} commands={commands} trans={trans} />
            )}
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            <Uploads model={model} trans={trans} />
          </div>
        )}
      </UseSignal>
    );
  }

  private _shown = false;
}

interface IViewProps {
  model: DatasetsModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}

function TopLevel(props: IViewProps): JSX.Element {
  const { model, commands, trans } = props;
  const selected = model.selection;
  return (
    <div className="jp-Prism-datasetsTop">
      <div
        className="jp-Prism-datasetToolbar"
        role="toolbar"
        aria-label={selected ? trans.__('Actions on %1', selectionName(selected)) : trans.__('Actions (right-click a dataset or pick a volume)')}
      >
        <Actions commands={commands} />
      </div>
      <h3 className="jp-Prism-subtitle">{trans.__('Datasets')}</h3>
      {model.datasets.length === 0 && !model.isLoading && (
        <div className="jp-Prism-empty">{trans.__('No dataset is registered for you yet. An admin registers them with POST /datasets.')}</div>
      )}
      <ul className="jp-Prism-datasetsList" aria-label={trans.__('Datasets')}>
        {model.datasets.map(d => (
          <DatasetItem
            key={d.name}
            dataset={d}
            selected={selected?.kind === 'dataset' && selected.dataset.name === d.name}
            model={model}
            trans={trans}
          />
        ))}
      </ul>
      <h3 className="jp-Prism-subtitle">{trans.__('Volumes')}</h3>
      {model.volumes.length === 0 && !model.isLoading && (
        <div className="jp-Prism-empty">{trans.__('No EFS volume yet.')}</div>
      )}
      <ul className="jp-Prism-datasetsList" aria-label={trans.__('Volumes')}>
        {model.volumes.map(v => (
          <VolumeItem
            key={v.id}
            volume={v}
            selected={selected?.kind === 'volume' && selected.volume.id === v.id}
            model={model}
            trans={trans}
          />
        ))}
      </ul>
    </div>
  );
}

function selectionName(selection: DatasetSelection): string {
  return selection.kind === 'volume' ? selection.volume.name : selection.dataset.name;
}

function DatasetItem(props: {
  dataset: Dataset;
  selected: boolean;
  model: DatasetsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { dataset: d, model, trans } = props;
  const select = (): void => model.select({ kind: 'dataset', dataset: d });
  return (
    <li
      className={`jp-Prism-datasetRow jp-Prism-datasetItem${props.selected ? ' jp-mod-selected' : ''}`}
      data-dataset={d.name}
      title={d.s3Uri}
      onMouseDown={event => event.button === 2 && select()}
    >
      <button className="jp-Prism-datasetOpen" onClick={() => model.open(d)}>
        <span className="jp-Prism-datasetName">{d.name}</span>
        {d.readOnly && <span className="jp-Prism-badge jp-Prism-readOnly">{trans.__('read-only')}</span>}
        {d.project && <span className="jp-Prism-badge jp-Prism-datasetProject">{d.project}</span>}
        {d.description && <span className="jp-Prism-datasetDescription">{d.description}</span>}
      </button>
    </li>
  );
}

function VolumeItem(props: {
  volume: Volume;
  selected: boolean;
  model: DatasetsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { volume: v, model, trans } = props;
  const select = (): void => model.select({ kind: 'volume', volume: v });
  return (
    <li
      className={`jp-Prism-datasetRow jp-Prism-volumeItem${props.selected ? ' jp-mod-selected' : ''}`}
      data-volume={v.id}
      onMouseDown={event => event.button === 2 && select()}
    >
      <button className="jp-Prism-datasetOpen" onClick={select}>
        <span className="jp-Prism-datasetName">{v.name}</span>
        <span className="jp-Prism-badge">{trans.__('EFS')}</span>
        {v.project && <span className="jp-Prism-badge jp-Prism-datasetProject">{v.project}</span>}
        {!v.fileSystemId && <span className="jp-Prism-datasetDescription">{trans.__('being created')}</span>}
      </button>
    </li>
  );
}

function Browser(props: IViewProps & { at: IDatasetLocation }): JSX.Element {
  const { model, at, commands, trans } = props;
  const [dragging, setDragging] = React.useState(false);
  const writable = !at.dataset.readOnly;
  const entries = model.entries;
  const selected = model.selection?.kind === 'entry' ? model.selection.entry.path : null;
  const selectedIndex = selected === null ? -1 : entries.findIndex(e => e.path === selected);
  const activate = (entry: DatasetEntry): void => {
    if (entry.kind === 'folder') {
      model.open(at.dataset, entry.path);
    } else {
      model.select({ kind: 'entry', dataset: at.dataset, entry });
    }
  };
  const onKeyDown = (event: React.KeyboardEvent): void => {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step) {
      const next = entries[Math.min(entries.length - 1, Math.max(0, selectedIndex + step))];
      if (next) {
        model.select({ kind: 'entry', dataset: at.dataset, entry: next });
      }
      event.preventDefault();
    } else if (event.key === 'Enter' && selectedIndex >= 0) {
      activate(entries[selectedIndex]);
    } else if (event.key === 'Backspace') {
      model.up();
    }
  };
  const loadMore = React.useCallback(() => void model.loadMore(), [model]);
  return (
    <div className="jp-Prism-datasetBrowser" data-dataset={at.dataset.name}>
      <Breadcrumbs model={model} at={at} trans={trans} />
      <div className="jp-Prism-datasetToolbar" role="toolbar" aria-label={trans.__('Dataset actions')}>
        <IconButton icon={caretLeftIcon} label={trans.__('Back')} disabled={!model.canGoBack} onClick={() => model.back()} />
        <IconButton icon={caretUpIcon} label={trans.__('Up one folder')} onClick={() => model.up()} />
        {writable && (
          <IconButton
            icon={fileUploadIcon}
            label={trans.__('Upload files')}
            className="jp-Prism-datasetUpload"
            onClick={() => void commands.execute(CommandIDs.uploadToDataset)}
          />
        )}
        <Actions commands={commands} />
        {at.dataset.readOnly && <span className="jp-Prism-badge jp-Prism-readOnly">{trans.__('read-only')}</span>}
      </div>
      <div
        className={`jp-Prism-datasetDrop${dragging ? ' jp-mod-dropTarget' : ''}`}
        onDragOver={event => {
          if (writable && event.dataTransfer.types.includes('Files')) {
            event.preventDefault();
            event.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={event => {
          setDragging(false);
          if (writable && event.dataTransfer.files.length) {
            event.preventDefault();
            void model.upload(Array.from(event.dataTransfer.files));
          }
        }}
      >
        <VirtualList
          count={entries.length}
          rowHeight={ROW_HEIGHT}
          hasMore={model.hasMore}
          onNearEnd={loadMore}
          resetKey={`${at.dataset.name}/${at.path}`}
          focusIndex={selectedIndex}
          label={trans.__('Objects in %1', at.path || at.dataset.name)}
          className="jp-Prism-datasetObjects"
          onKeyDown={onKeyDown}
          renderRow={i => (
            <EntryRow
              entry={entries[i]}
              index={i}
              count={model.hasMore ? -1 : entries.length}
              selected={i === selectedIndex}
              onClick={() => activate(entries[i])}
              onContextMenu={() => model.select({ kind: 'entry', dataset: at.dataset, entry: entries[i] })}
            />
          )}
        />
        {entries.length === 0 && !model.isLoading && !model.hasMore && (
          <div className="jp-Prism-empty jp-Prism-datasetEmpty">
            {writable ? trans.__('This folder is empty. Drop files here to upload them.') : trans.__('This folder is empty.')}
          </div>
        )}
        {model.isLoading && <div className="jp-Prism-datasetLoading">{trans.__('Loading…')}</div>}
      </div>
      {model.preview && <ObjectPreview state={model.preview} trans={trans} />}
    </div>
  );
}

function EntryRow(props: {
  entry: DatasetEntry;
  index: number;
  count: number;
  selected: boolean;
  onClick: () => void;
  onContextMenu: () => void;
}): JSX.Element {
  const { entry } = props;
  const Icon = entry.kind === 'folder' ? folderIcon : fileIcon;
  return (
    <div
      className="jp-Prism-datasetRow jp-Prism-datasetEntry"
      role="option"
      aria-selected={props.selected}
      aria-posinset={props.index + 1}
      aria-setsize={props.count}
      data-kind={entry.kind}
      data-path={entry.path}
      title={entry.path}
      onClick={props.onClick}
      onMouseDown={event => event.button === 2 && props.onContextMenu()}
    >
      <Icon.react tag="span" className="jp-Prism-datasetEntryIcon" />
      <span className="jp-Prism-datasetEntryText">
        <span className="jp-Prism-datasetEntryName">{entry.name}</span>
        {entry.kind === 'object' && (
          <span className="jp-Prism-datasetEntryMeta">
            <span className="jp-Prism-datasetEntrySize">{formatBytes(entry.size)}</span>
            {' · '}
            <span className="jp-Prism-datasetEntryDate">{formatDate(entry.lastModified)}</span>
          </span>
        )}
      </span>
    </div>
  );
}

function Breadcrumbs(props: { model: DatasetsModel; at: IDatasetLocation; trans: TranslationBundle }): JSX.Element {
  const { model, at, trans } = props;
  const segments = at.path.split('/').filter(Boolean);
  return (
    <nav className="jp-Prism-datasetCrumbs" aria-label={trans.__('Where you are')}>
      <button className="jp-Prism-datasetCrumb" onClick={() => model.goTop()}>
        {trans.__('Datasets')}
      </button>
      <span className="jp-Prism-datasetCrumbSep">/</span>
      <button className="jp-Prism-datasetCrumb" onClick={() => model.open(at.dataset)}>
        {at.dataset.name}
      </button>
      {segments.map((segment, i) => (
        <React.Fragment key={i}>
          <span className="jp-Prism-datasetCrumbSep">/</span>
          <button
            className="jp-Prism-datasetCrumb"
            onClick={() => model.open(at.dataset, `${segments.slice(0, i + 1).join('/')}/`)}
          >
            {segment}
          </button>
        </React.Fragment>
      ))}
    </nav>
  );
}

/** The actions on the selection (or the folder shown), as the context menu has them. */
function Actions(props: { commands: CommandRegistry }): JSX.Element {
  const { commands } = props;
  const button = (id: string, icon: LabIcon, className: string): JSX.Element | null =>
    commands.isVisible(id) ? (
      <IconButton
        icon={icon}
        label={commands.label(id)}
        className={className}
        disabled={!commands.isEnabled(id)}
        onClick={() => void commands.execute(id)}
      />
    ) : null;
  return (
    <>
      {button(CommandIDs.downloadDatasetObject, downloadIcon, 'jp-Prism-datasetDownload')}
      {button(CommandIDs.copyDatasetUri, linkIcon, 'jp-Prism-datasetCopyUri')}
      {button(CommandIDs.copyDatasetMountPath, copyIcon, 'jp-Prism-datasetCopyMount')}
      {button(CommandIDs.attachToWorkstation, addIcon, 'jp-Prism-datasetAttach')}
    </>
  );
}

function IconButton(props: {
  icon: LabIcon;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  className?: string;
}): JSX.Element {
  return (
    <Button
      minimal
      small
      className={props.className}
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      <props.icon.react tag="span" />
    </Button>
  );
}

function Uploads(props: { model: DatasetsModel; trans: TranslationBundle }): JSX.Element | null {
  const { model, trans } = props;
  const uploads = model.uploads;
  if (!uploads.length) {
    return null;
  }
  return (
    <section className="jp-Prism-datasetUploads" aria-label={trans.__('Uploads')}>
      <h3 className="jp-Prism-subtitle">
        {trans.__('Uploads')}
        {uploads.some(u => u.status !== 'uploading') && (
          <Button minimal small className="jp-Prism-datasetUploadsClear" onClick={() => model.clearUploads()}>
            {trans.__('Clear finished')}
          </Button>
        )}
      </h3>
      {uploads.map(u => (
        <UploadRow key={u.id} upload={u} trans={trans} />
      ))}
    </section>
  );
}

function UploadRow(props: { upload: IUploadState; trans: TranslationBundle }): JSX.Element {
  const { upload: u, trans } = props;
  const status =
    u.status === 'done' ? trans.__('uploaded') : u.status === 'failed' ? trans.__('failed') : `${formatBytes(u.sent)} / ${formatBytes(u.size)}`;
  return (
    <div className="jp-Prism-datasetUploadRow" data-path={u.path} data-status={u.status}>
      <div className="jp-Prism-datasetUploadName" title={`${u.dataset}/${u.path}`}>
        {u.path.slice(u.path.lastIndexOf('/') + 1)} <span className="jp-Prism-datasetUploadStatus">{status}</span>
      </div>
      <progress
        className="jp-Prism-datasetUploadProgress"
        max={Math.max(u.size, 1)}
        value={u.status === 'done' ? Math.max(u.size, 1) : u.sent}
        aria-label={trans.__('Upload of %1', u.path)}
      />
      {u.problem && <ProblemNotice problem={u.problem} trans={trans} />}
    </div>
  );
}
