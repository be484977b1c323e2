/**
 * What a shared notebook must be: a file name that stays one file wherever a
 * copy is written, and bytes that are a notebook. Only checked, never
 * changed: the bytes kept are the bytes sent.
 */
import { PrismError } from './errors';

/** 20 MiB: a notebook with its outputs; data belongs in a dataset. */
export const NOTEBOOK_MAX_BYTES = 20 * 1024 * 1024;
const MAX_NAME_LENGTH = 200;
// Characters no file system Jupyter runs on takes in a name, and control characters.
const UNSAFE = /[/\\<>:"|?*\u0000-\u001f\u007f]/u;

export function checkNotebookName(name: string): void {
  const problem =
    name.length === 0 || name.length > MAX_NAME_LENGTH
      ? `has ${name.length} characters`
      : UNSAFE.test(name)
        ? 'has a character a file name cannot have (/ \\ < > : " | ? * or a control character)'
        : name.startsWith('.') || name.trim() !== name
          ? 'starts with a dot or begins or ends with a space'
          : !/\.ipynb$/.test(name) || name === '.ipynb'
            ? 'does not end in .ipynb'
            : undefined;
  if (problem) {
    throw new PrismError(
      'NOTEBOOK_NAME_INVALID',
      400,
      'Not a notebook file name',
      `The name '${name.slice(0, MAX_NAME_LENGTH)}' ${problem}.`,
      `Name it as its file is named, without folders, e.g. "rna-seq QC.ipynb" (up to ${MAX_NAME_LENGTH} characters).`
    );
  }
}

/** UTF-8 JSON with an integer `nbformat` (and `cells`, from nbformat 4): what Jupyter opens as a notebook. */
export function checkNotebookBytes(bytes: Buffer): void {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw notANotebook('It is not UTF-8 text.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw notANotebook(`It is not JSON: ${(error as Error).message}.`);
  }
  const notebook = parsed as { nbformat?: unknown; cells?: unknown } | null;
  if (typeof notebook !== 'object' || notebook === null || Array.isArray(notebook) || !Number.isInteger(notebook.nbformat)) {
    throw notANotebook('It has no integer "nbformat".');
  }
  if ((notebook.nbformat as number) >= 4 && !Array.isArray(notebook.cells)) {
    throw notANotebook('It is nbformat 4 or later but has no "cells" list.');
  }
}

function notANotebook(why: string): PrismError {
  return new PrismError('NOTEBOOK_INVALID', 400, 'Not a notebook', `The body is not a Jupyter notebook. ${why}`, 'Send the .ipynb file exactly as saved, with Content-Type application/x-ipynb+json.');
}
