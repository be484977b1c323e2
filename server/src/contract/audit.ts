/**
 * The audit log (docs/api.md, "Audit"): one entry per state-changing request,
 * append-only, read by Prism admins. Part of API v1.
 */

/** One state-changing request as it was answered. Request bodies are never kept (they may hold secrets). */
export interface AuditEntry {
  /** Position in the log; newer entries have larger numbers. */
  seq: number;
  /** When the answer was sent, ISO 8601. */
  at: string;
  /** Who asked; null when the request carried no valid token. */
  user: string | null;
  /** The method and the route pattern, e.g. `POST /instances/:id/stop`; the path as sent when no route matched. */
  action: string;
  /** The object acted on: the route's parameters joined by `/` (`genomics/bob`), else the id the answer created; null when none. */
  object: string | null;
  result: AuditResult;
  /** The client's address (docs/api.md, "Audit": behind a trusted proxy, the address it forwarded). */
  address: string;
}

export interface AuditResult {
  /** The HTTP status answered; 499 when the client went away before the answer. */
  status: number;
  /** The problem's stable `code` when the request was refused or failed. */
  code: string | null;
}

/** `GET /audit` filters; all optional and combined with AND. */
export interface AuditQuery {
  /** Exact user name. */
  user?: string;
  /** Part of the action, case-insensitive (`stop` finds every stop). */
  action?: string;
  /** The object, or an object under it (`genomics` also finds `genomics/bob`). */
  object?: string;
  /** Entries at or after this time (ISO 8601). */
  from?: string;
  /** Entries at or before this time (ISO 8601). */
  to?: string;
  /** A status (`403`), a class (`4xx`), or a problem code (`FORBIDDEN`). */
  result?: string;
  /** Page size, 1–1000 (default 100). */
  limit?: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
}

/** `GET /audit`: newest first. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
