/**
 * The audit log as CSV (RFC 4180): a header row, CRLF line ends, fields
 * quoted when they hold a comma, quote or line break. A field a spreadsheet
 * would take for a formula (= + - @, or a tab or carriage return first) gets
 * a leading single quote, so opening the export runs nothing.
 */
import type { AuditEntry } from '../contract/audit';

export const AUDIT_CSV_HEADER = ['seq', 'at', 'user', 'action', 'object', 'status', 'code', 'address'];

export function auditCsvRow(values: (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function auditEntryRow(entry: AuditEntry): string {
  return auditCsvRow([entry.seq, entry.at, entry.user, entry.action, entry.object, entry.result.status, entry.result.code, entry.address]);
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
