/**
 * The WorkstationStore on SQLite (better-sqlite3): the default, embedded, zero set-up.
 * Records are JSON documents with the columns the queries need beside them.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { WorkstationEvent } from '../contract/events';
import type { WorkstationRecord, WorkstationStore } from '../domain/ports';
import { isSettled } from '../domain/workstation-state';
import { MIGRATIONS } from './migrations';

/** How many observed durations an ETA averages over. */
const DURATION_WINDOW = 20;

export class SqliteStore implements WorkstationStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  insert(record: WorkstationRecord): void {
    this.db
      .prepare('INSERT INTO workstations (id, owner, settled, body) VALUES (?, ?, ?, ?)')
      .run(record.id, record.owner, isSettled(record) ? 1 : 0, JSON.stringify(record));
  }

  get(id: string): WorkstationRecord | undefined {
    const row = this.db.prepare('SELECT body FROM workstations WHERE id = ?').get(id) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as WorkstationRecord) : undefined;
  }

  update(id: string, patch: Partial<WorkstationRecord>): WorkstationRecord {
    return this.db.transaction(() => {
      const current = this.get(id);
      if (!current) {
        throw new Error(`workstation ${id} is not in the store`);
      }
      const next = { ...current, ...patch, id };
      this.db
        .prepare('UPDATE workstations SET settled = ?, body = ? WHERE id = ?')
        .run(isSettled(next) ? 1 : 0, JSON.stringify(next), id);
      return next;
    })();
  }

  listByOwner(owner: string): WorkstationRecord[] {
    return this.rows(
      this.db.prepare('SELECT body FROM workstations WHERE owner = ? ORDER BY rowid').all(owner)
    );
  }

  listUnfinished(): WorkstationRecord[] {
    return this.rows(this.db.prepare('SELECT body FROM workstations WHERE settled = 0 ORDER BY rowid').all());
  }

  listAll(): WorkstationRecord[] {
    return this.rows(this.db.prepare('SELECT body FROM workstations ORDER BY rowid').all());
  }

  appendEvent(event: WorkstationEvent): number {
    const { seq: _given, ...body } = event;
    const result = this.db
      .prepare('INSERT INTO workstation_events (workstation_id, body) VALUES (?, ?)')
      .run(event.id, JSON.stringify(body));
    return Number(result.lastInsertRowid);
  }

  events(id: string): WorkstationEvent[] {
    const rows = this.db
      .prepare('SELECT seq, body FROM workstation_events WHERE workstation_id = ? ORDER BY seq')
      .all(id) as EventRow[];
    return rows.map(withSeq);
  }

  eventsSince(seq: number, limit: number): WorkstationEvent[] {
    const rows = this.db
      .prepare('SELECT seq, body FROM workstation_events WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(seq, limit) as EventRow[];
    return rows.map(withSeq);
  }

  lastEventSeq(): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM workstation_events').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  recordPhaseDuration(key: string, phase: string, seconds: number): void {
    this.db.prepare('INSERT INTO phase_durations (key, phase, seconds) VALUES (?, ?, ?)').run(key, phase, seconds);
  }

  typicalPhaseSeconds(key: string): Record<string, number> {
    const rows = this.db
      .prepare(
        `SELECT phase, AVG(seconds) AS seconds FROM (
           SELECT phase, seconds, ROW_NUMBER() OVER (PARTITION BY phase ORDER BY recorded DESC) AS n
           FROM phase_durations WHERE key = ?
         ) WHERE n <= ? GROUP BY phase`
      )
      .all(key, DURATION_WINDOW) as { phase: string; seconds: number }[];
    return Object.fromEntries(rows.map(r => [r.phase, r.seconds]));
  }

  close(): void {
    this.db.close();
  }

  private rows(rows: unknown[]): WorkstationRecord[] {
    return (rows as { body: string }[]).map(r => JSON.parse(r.body) as WorkstationRecord);
  }

  private migrate(): void {
    const applied = this.db.pragma('user_version', { simple: true }) as number;
    MIGRATIONS.slice(applied).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${applied + i + 1}`);
      })();
    });
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
