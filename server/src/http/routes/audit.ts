/**
 * /audit (Prism admins): the audit log, newest first, a page at a time;
 * /audit.csv: the same filters, every matching entry, as CSV.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AuditQuery } from '../../contract/audit';
import { AUDIT_PAGE_MAX, type AuditLog } from '../../domain/audit';
import { AUDIT_CSV_HEADER, auditCsvRow, auditEntryRow } from '../../domain/audit-csv';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

const text = z.string().max(200).optional();

export const AuditQuerySchema = z.object({
  user: text,
  action: text,
  object: text,
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  result: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
  cursor: z.string().max(64).optional()
});

function auditQuery(req: Request): AuditQuery {
  const parsed = AuditQuerySchema.safeParse(req.query);
  if (!parsed.success) throw invalidBody(parsed.error, 'audit query');
  // An empty filter (a cleared field in a form) filters nothing.
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== '' && v !== undefined)) as AuditQuery;
}

export function auditRouter(audit: AuditLog): Router {
  const router = Router();

  router.get('/audit', (req, res) => {
    res.set('Cache-Control', 'no-store').json(audit.page(callerOf(res), auditQuery(req)));
  });

  router.get('/audit.csv', (req, res) => {
    const query = auditQuery(req);
    const entries = audit.all(callerOf(res), query);
    // The first entry is read before the header goes out, so a refusal is still a problem+json.
    const first = entries.next();
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .type('text/csv; charset=utf-8; header=present')
      .attachment('prism-audit.csv');
    res.write(auditCsvRow(AUDIT_CSV_HEADER));
    if (!first.done) res.write(auditEntryRow(first.value));
    for (const entry of entries) res.write(auditEntryRow(entry));
    res.end();
  });

  return router;
}
