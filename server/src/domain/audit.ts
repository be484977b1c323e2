/**
 * The audit log: who did what, to which object, when, with what result and
 * from where. Entries are only ever appended (the store has no other write);
 * Prism admins read them, filtered, a page at a time or as CSV.
 */
import type { AuditEntry, AuditPage, AuditQuery } from '../contract/audit';
import { invalidRequest, PrismError } from './errors';
import type { Caller } from './ports';

export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 1000;

/** An entry before the store numbers it. */
export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

/** What the store filters on, already checked. */
export interface AuditFilter {
  user?: string;
  action?: string;
  object?: string;
  from?: string;
  to?: string;
  status?: number;
  /** 2 for 2xx, 4 for 4xx, ... */
  statusClass?: number;
  code?: string;
  /** Entries older than this seq (the cursor). */
  before?: number;
}

/** The append-only log (store/audit-store.ts). */
export interface AuditStore {
  append(entry: NewAuditEntry): void;
  /** Matching entries, newest first, at most `limit`. */
  find(filter: AuditFilter, limit: number): AuditEntry[];
}

export class AuditLog {
  constructor(private readonly store: AuditStore) {}

  record(entry: NewAuditEntry): void {
    this.store.append(entry);
  }

  /** @throws {PrismError} FORBIDDEN for anyone but a Prism admin; INVALID_REQUEST for a bad filter or cursor. */
  page(caller: Caller, query: AuditQuery): AuditPage {
    requireAuditor(caller);
    const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
    // One more than asked tells whether an older page exists.
    const found = this.store.find(auditFilter(query), limit + 1);
    const entries = found.slice(0, limit);
    return { entries, nextCursor: found.length > limit ? encodeCursor(entries[entries.length - 1].seq) : null };
  }

  /** Every matching entry, newest first, a page at a time (for the CSV export). */
  *all(caller: Caller, query: AuditQuery): Generator<AuditEntry> {
    requireAuditor(caller);
    const filter = auditFilter(query);
    for (;;) {
      const entries = this.store.find(filter, AUDIT_PAGE_MAX);
      yield* entries;
      if (entries.length < AUDIT_PAGE_MAX) return;
      filter.before = entries[entries.length - 1].seq;
    }
  }
}

function requireAuditor(caller: Caller): void {
  if (!caller.roles.includes('admin')) {
    throw new PrismError(
      'FORBIDDEN',
      403,
      'Admins only',
      'The audit log tells what everyone did, so only a Prism admin reads it.',
      'Ask a Prism admin (behind JupyterHub, a member of the admin group) for the entries you need.'
    );
  }
}

function auditFilter(query: AuditQuery): AuditFilter {
  const filter: AuditFilter = {
    user: query.user,
    action: query.action,
    object: query.object,
    from: query.from && instant(query.from, 'from'),
    to: query.to && instant(query.to, 'to'),
    ...resultFilter(query.result)
  };
  if (query.cursor !== undefined) filter.before = decodeCursor(query.cursor);
  return filter;
}

function instant(value: string, name: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw invalidRequest(`'${name}' is not a date or time: '${value}'.`, `Give '${name}' as ISO 8601, for example 2026-03-01 or 2026-03-01T12:00:00Z.`);
  }
  return new Date(time).toISOString();
}

function resultFilter(result: string | undefined): Pick<AuditFilter, 'status' | 'statusClass' | 'code'> {
  if (result === undefined || result === '') return {};
  if (/^[1-5]\d\d$/.test(result)) return { status: Number(result) };
  if (/^[1-5]xx$/i.test(result)) return { statusClass: Number(result[0]) };
  if (/^[A-Z][A-Z0-9_]*$/.test(result)) return { code: result };
  throw invalidRequest(`'result' is not a status, a status class or a problem code: '${result}'.`, "Give 'result' as 403, 4xx or a code such as FORBIDDEN.");
}

// The cursor is opaque to clients; it is the last seq they saw, so pages stay stable while entries are appended.
function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw invalidRequest('The cursor is not one this service gave.', "Start again without 'cursor', then pass each page's nextCursor as it comes.");
  }
  return Number(match[1]);
}
