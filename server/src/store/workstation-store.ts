/**
 * Workstations, their events and phase durations, on the SQL seam (SQLite or
 * PostgreSQL). Records are JSON documents with the columns the queries need
 * beside them.
 */
import type { WorkstationEvent } from '../contract/events';
import type { WorkstationRecord, WorkstationStore } from '../domain/ports';
import { isSettled } from '../domain/workstation-state';
import type { SqlDatabase } from './sql-database';

/** How many observed durations an ETA averages over. */
const DURATION_WINDOW = 20;

export class SqlWorkstationStore implements WorkstationStore {
  constructor(private readonly db: SqlDatabase) {}

  insert(record: WorkstationRecord): void {
    this.db.run('INSERT INTO workstations (id, owner, settled, body) VALUES (?, ?, ?, ?)', record.id, record.owner, isSettled(record) ? 1 : 0, JSON.stringify(record));
  }

  get(id: string): WorkstationRecord | undefined {
    const row = this.db.get<{ body: string }>('SELECT body FROM workstations WHERE id = ?', id);
    return row ? (JSON.parse(row.body) as WorkstationRecord) : undefined;
  }

  update(id: string, patch: Partial<WorkstationRecord>): WorkstationRecord {
    return this.db.transaction(() => {
      // FOR UPDATE on PostgreSQL: another replica's patch of the same record waits, and is not lost.
      const row = this.db.get<{ body: string }>(`SELECT body FROM workstations WHERE id = ?${this.db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, id);
      if (!row) {
        throw new Error(`workstation ${id} is not in the store`);
      }
      const next = { ...(JSON.parse(row.body) as WorkstationRecord), ...patch, id };
      this.db.run('UPDATE workstations SET settled = ?, body = ? WHERE id = ?', isSettled(next) ? 1 : 0, JSON.stringify(next), id);
      return next;
    });
  }

  listByOwner(owner: string): WorkstationRecord[] {
    return this.rows(this.db.all('SELECT body FROM workstations WHERE owner = ? ORDER BY rowid', owner));
  }

  listUnfinished(): WorkstationRecord[] {
    return this.rows(this.db.all('SELECT body FROM workstations WHERE settled = 0 ORDER BY rowid'));
  }

  listAll(): WorkstationRecord[] {
    return this.rows(this.db.all('SELECT body FROM workstations ORDER BY rowid'));
  }

  /**
   * On PostgreSQL two replicas may append at once, and sequence numbers are
   * given before commit: the append lock makes them commit in `seq` order, so
   * a replay from `since` never passes over an event committed late.
   */
  appendEvent(event: WorkstationEvent): number {
    const { seq: _given, ...body } = event;
    const text = JSON.stringify(body);
    // On PostgreSQL one statement, one round trip: the lock is taken before the row takes its seq, and held to its commit.
    const row =
      this.db.dialect === 'postgres'
        ? this.db.get<{ seq: number }>(
            `INSERT INTO workstation_events (workstation_id, body)
             SELECT ?, ? FROM (SELECT pg_advisory_xact_lock(hashtextextended('workstation-events', 0))) AS turn RETURNING seq`,
            event.id,
            text
          )
        : this.db.get<{ seq: number }>('INSERT INTO workstation_events (workstation_id, body) VALUES (?, ?) RETURNING seq', event.id, text);
    return Number(row?.seq);
  }

  events(id: string): WorkstationEvent[] {
    return this.db.all<EventRow>('SELECT seq, body FROM workstation_events WHERE workstation_id = ? ORDER BY seq', id).map(withSeq);
  }

  eventsSince(seq: number, limit: number): WorkstationEvent[] {
    return this.db.all<EventRow>('SELECT seq, body FROM workstation_events WHERE seq > ? ORDER BY seq LIMIT ?', seq, limit).map(withSeq);
  }

  lastEventSeq(): number {
    return this.db.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM workstation_events')?.seq ?? 0;
  }

  recordPhaseDuration(key: string, phase: string, seconds: number): void {
    this.db.run('INSERT INTO phase_durations (key, phase, seconds) VALUES (?, ?, ?)', key, phase, seconds);
  }

  typicalPhaseSeconds(key: string): Record<string, number> {
    const rows = this.db.all<{ phase: string; seconds: number }>(
      `SELECT phase, AVG(seconds) AS seconds FROM (
         SELECT phase, seconds, ROW_NUMBER() OVER (PARTITION BY phase ORDER BY recorded DESC) AS n
         FROM phase_durations WHERE key = ?
       ) AS recent WHERE n <= ? GROUP BY phase`,
      key,
      DURATION_WINDOW
    );
    return Object.fromEntries(rows.map(r => [r.phase, r.seconds]));
  }

  /**
   * Runs `work` (a check and the writes it allows) in one transaction holding
   * the lock `name`: no other process on this database runs its own `name`
   * work in between.
   */
  exclusive<T>(name: string, work: () => T): T {
    return this.db.transaction(() => {
      this.db.lock(name);
      return work();
    });
  }

  private rows(rows: unknown[]): WorkstationRecord[] {
    return (rows as { body: string }[]).map(r => JSON.parse(r.body) as WorkstationRecord);
  }
}

interface EventRow {
  seq: number;
  body: string;
}

/** The row's seq is the event's: kept in its own column, not in the body. */
function withSeq(row: EventRow): WorkstationEvent {
  return { ...(JSON.parse(row.body) as WorkstationEvent), seq: row.seq };
}
