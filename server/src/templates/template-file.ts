/**
 * One template file, parsed with its positions kept, so every later problem
 * can be reported at the line and column of the key that causes it.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type { TemplateDiagnostic } from './diagnostic';

export type KeyPath = readonly (string | number)[];

export interface TemplateFile {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The file's content as plain data; undefined when it is not a YAML mapping. */
  data: Record<string, unknown> | undefined;
  /** Syntax problems; the schema is checked separately. */
  diagnostics: TemplateDiagnostic[];
}

export function parseTemplateFile(text: string, file: string): TemplateFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const diagnostics = doc.errors.map(error => syntaxDiagnostic(error, file));
  let data: Record<string, unknown> | undefined;
  if (diagnostics.length === 0) {
    if (isMap(doc.contents)) {
      data = doc.toJS() as Record<string, unknown>;
    } else {
      diagnostics.push({
        file,
        line: 1,
        column: 1,
        message: 'A template is a mapping of keys, and this file holds none.',
        hint: 'Start with `name: my-template` and `version: "1.0.0"` on their own lines.'
      });
    }
  }
  return { file, doc, lineCounter, data, diagnostics };
}

const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'Indent with spaces; YAML does not allow tabs for indentation.',
  DUPLICATE_KEY: 'Keep one of the two entries with this key.',
  BAD_INDENT: 'Align this line with the keys of its level, using spaces.',
  MISSING_CHAR: 'Close the quote, bracket or brace opened before this point.',
  BLOCK_AS_IMPLICIT_KEY: 'Put nested keys on their own lines, indented under their parent key.',
  MULTILINE_IMPLICIT_KEY: 'Check the indentation of this line and the one above it; a key must sit on one line.',
  UNEXPECTED_TOKEN: 'Check for a stray character, or a value that needs quotes (a colon followed by a space, a leading `*`, `&` or `!`).'
};

function syntaxDiagnostic(error: YAMLError, file: string): TemplateDiagnostic {
  const start = error.linePos?.[0] ?? { line: 1, col: 1 };
  return {
    file,
    line: start.line,
    column: start.col,
    message: `YAML syntax: ${error.message.split(' at line ')[0]}`,
    hint: SYNTAX_HINTS[error.code] ?? 'Check the YAML at this point: indentation, a missing colon or an unclosed quote.'
  };
}

/**
 * Where `path` is written in the file: the key of a mapping entry, or the
 * item of a list. When the path is not all there, the deepest part that is.
 */
export function positionOf(file: TemplateFile, path: KeyPath): { line: number; column: number } {
  let offset = file.doc.contents?.range[0] ?? 0;
  let node: unknown = file.doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(item => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      offset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      const item = node.items[segment] as { range?: [number, number, number] } | null;
      offset = item?.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const { line, col } = file.lineCounter.linePos(offset);
  return { line, column: col };
}

/** Whether the file itself writes `path` (not a parent). */
export function hasPath(file: TemplateFile, path: KeyPath): boolean {
  return file.doc.hasIn(path);
}

export function diagnosticAt(file: TemplateFile, path: KeyPath, message: string, hint: string): TemplateDiagnostic {
  return { file: file.file, ...positionOf(file, path), message, hint };
}
