/** A notebook's cells as the preview shows them: their kind and source, nothing run. */
export interface INotebookCell {
  readonly kind: 'markdown' | 'code' | 'raw';
  readonly source: string;
}

/**
 * The cells of a notebook's JSON (nbformat 4).
 *
 * @returns null when the text is not a whole notebook (cut short by the
 *   preview limit, or not a notebook at all).
 */
export function notebookCells(text: string): INotebookCell[] | null {
  let notebook: unknown;
  try {
    notebook = JSON.parse(text);
  } catch {
    return null;
  }
  const cells = (notebook as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) {
    return null;
  }
  return cells.map(cell => {
    const { cell_type, source } = (cell ?? {}) as { cell_type?: unknown; source?: unknown };
    const kind = cell_type === 'markdown' || cell_type === 'code' ? cell_type : 'raw';
    return {
      kind,
      source: Array.isArray(source) ? source.join('') : typeof source === 'string' ? source : ''
    };
  });
}
