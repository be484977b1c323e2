/**
 * Snapshots, their schedules, the EBS volumes restored from them, and EFS
 * restores, on SQLite. It opens the same database file as SqliteStore, which
 * applies the migrations, so it is opened after it.
 */
import Database from 'better-sqlite3';
import type { Snapshot, VolumeRestore, VolumeRestoreState } from '../contract/storage';
import type { VolumeRestoreStore } from '../domain/backups';
import type { ScheduleRecord, ScheduleStore } from '../domain/snapshot-schedules';
import type { RestoreRecord, SnapshotRecord, SnapshotStore } from '../domain/snapshots';

interface SnapshotRow {
  id: string;
  workstation_id: string;
  workstation_name: string;
  owner: string;
  project: string | null;
  ebs_snapshot_id: string | null;
  size_gib: number | null;
  description: string;
  trigger: Snapshot['trigger'];
  state: Snapshot['state'];
  progress: string | null;
  availability_zone: string | null;
  created_at: string;
}

const toSnapshot = (row: SnapshotRow): SnapshotRecord => ({
  id: row.id,
  workstationId: row.workstation_id,
  workstationName: row.workstation_name,
  owner: row.owner,
  project: row.project,
  ebsSnapshotId: row.ebs_snapshot_id,
  sizeGiB: row.size_gib,
  description: row.description,
  trigger: row.trigger,
  state: row.state,
  progress: row.progress,
  availabilityZone: row.availability_zone,
  createdAt: row.created_at
});

interface RestoreRow {
  id: string;
  volume_id: string | null;
  snapshot_id: string;
  workstation_id: string;
  owner: string;
  project: string | null;
  availability_zone: string;
  size_gib: number;
  created_at: string;
}

const toRestore = (row: RestoreRow): RestoreRecord => ({
  id: row.id,
  volumeId: row.volume_id,
  snapshotId: row.snapshot_id,
  workstationId: row.workstation_id,
  owner: row.owner,
  project: row.project,
  availabilityZone: row.availability_zone,
  sizeGiB: row.size_gib,
  createdAt: row.created_at
});

interface ScheduleRow {
  workstation_id: string;
  every_hours: number;
  keep: number;
  set_by: string;
  set_at: string;
  last_run_at: string | null;
}

const toSchedule = (row: ScheduleRow): ScheduleRecord => ({
  workstationId: row.workstation_id,
  everyHours: row.every_hours,
  keep: row.keep,
  setBy: row.set_by,
  setAt: row.set_at,
  lastRunAt: row.last_run_at
});

interface VolumeRestoreRow {
  volume_id: string;
  source_volume_id: string;
  recovery_point: string;
  job_id: string;
  state: VolumeRestoreState;
  message: string | null;
  started_at: string;
}

const toVolumeRestore = (row: VolumeRestoreRow): VolumeRestore => ({
  volumeId: row.volume_id,
  sourceVolumeId: row.source_volume_id,
  recoveryPoint: row.recovery_point,
  jobId: row.job_id,
  state: row.state,
  message: row.message,
  startedAt: row.started_at
});

const SNAPSHOT_COLUMNS: Record<string, string> = {
  ebsSnapshotId: 'ebs_snapshot_id',
  sizeGiB: 'size_gib',
  state: 'state',
  progress: 'progress',
  availabilityZone: 'availability_zone'
};

export class SqliteSnapshotStore implements SnapshotStore, ScheduleStore, VolumeRestoreStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  insertSnapshot(s: SnapshotRecord): void {
    this.db
      .prepare(
        `INSERT INTO snapshots (id, workstation_id, workstation_name, owner, project, ebs_snapshot_id, size_gib, description, trigger, state, progress, availability_zone, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(s.id, s.workstationId, s.workstationName, s.owner, s.project, s.ebsSnapshotId, s.sizeGiB, s.description, s.trigger, s.state, s.progress, s.availabilityZone, s.createdAt);
  }

  snapshot(id: string): SnapshotRecord | undefined {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow | undefined;
    return row && toSnapshot(row);
  }

  updateSnapshot(id: string, patch: Parameters<SnapshotStore['updateSnapshot']>[1]): void {
    const entries = Object.entries(patch).filter(([key, value]) => SNAPSHOT_COLUMNS[key] && value !== undefined);
    if (entries.length === 0) return;
    this.db
      .prepare(`UPDATE snapshots SET ${entries.map(([key]) => `${SNAPSHOT_COLUMNS[key]} = ?`).join(', ')} WHERE id = ?`)
      .run(...entries.map(([, value]) => value), id);
  }

  removeSnapshot(id: string): void {
    this.db.prepare('DELETE FROM snapshots WHERE id = ?').run(id);
  }

  visibleSnapshots(user: string, projects: string[]): SnapshotRecord[] {
    return (this.visible('snapshots', user, projects) as SnapshotRow[]).map(toSnapshot);
  }

  snapshotsOf(workstationId: string): SnapshotRecord[] {
    return (this.db.prepare('SELECT * FROM snapshots WHERE workstation_id = ? ORDER BY created_at, id').all(workstationId) as SnapshotRow[]).map(toSnapshot);
  }

  pendingSnapshots(): SnapshotRecord[] {
    return (this.db.prepare("SELECT * FROM snapshots WHERE state = 'pending'").all() as SnapshotRow[]).map(toSnapshot);
  }

  insertRestore(r: RestoreRecord): void {
    this.db
      .prepare(
        `INSERT INTO snapshot_restores (id, volume_id, snapshot_id, workstation_id, owner, project, availability_zone, size_gib, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(r.id, r.volumeId, r.snapshotId, r.workstationId, r.owner, r.project, r.availabilityZone, r.sizeGiB, r.createdAt);
  }

  setRestoredVolume(id: string, volumeId: string): void {
    this.db.prepare('UPDATE snapshot_restores SET volume_id = ? WHERE id = ?').run(volumeId, id);
  }

  restoreByVolume(volumeId: string): RestoreRecord | undefined {
    const row = this.db.prepare('SELECT * FROM snapshot_restores WHERE volume_id = ?').get(volumeId) as RestoreRow | undefined;
    return row && toRestore(row);
  }

  removeRestore(id: string): void {
    this.db.prepare('DELETE FROM snapshot_restores WHERE id = ?').run(id);
  }

  visibleRestores(user: string, projects: string[]): RestoreRecord[] {
    return (this.visible('snapshot_restores', user, projects) as RestoreRow[]).map(toRestore);
  }

  putSchedule(s: ScheduleRecord): void {
    this.db
      .prepare(
        `INSERT INTO snapshot_schedules (workstation_id, every_hours, keep, set_by, set_at, last_run_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (workstation_id) DO UPDATE SET every_hours = excluded.every_hours, keep = excluded.keep, set_by = excluded.set_by, set_at = excluded.set_at`
      )
      .run(s.workstationId, s.everyHours, s.keep, s.setBy, s.setAt, s.lastRunAt);
  }

  schedule(workstationId: string): ScheduleRecord | undefined {
    const row = this.db.prepare('SELECT * FROM snapshot_schedules WHERE workstation_id = ?').get(workstationId) as ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  schedules(): ScheduleRecord[] {
    return (this.db.prepare('SELECT * FROM snapshot_schedules ORDER BY workstation_id').all() as ScheduleRow[]).map(toSchedule);
  }

  setLastRun(workstationId: string, at: string): void {
    this.db.prepare('UPDATE snapshot_schedules SET last_run_at = ? WHERE workstation_id = ?').run(at, workstationId);
  }

  removeSchedule(workstationId: string): void {
    this.db.prepare('DELETE FROM snapshot_schedules WHERE workstation_id = ?').run(workstationId);
  }

  insertVolumeRestore(r: VolumeRestore): void {
    this.db
      .prepare('INSERT INTO volume_restores (volume_id, source_volume_id, recovery_point, job_id, state, message, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.volumeId, r.sourceVolumeId, r.recoveryPoint, r.jobId, r.state, r.message, r.startedAt);
  }

  volumeRestore(volumeId: string): VolumeRestore | undefined {
    const row = this.db.prepare('SELECT * FROM volume_restores WHERE volume_id = ?').get(volumeId) as VolumeRestoreRow | undefined;
    return row && toVolumeRestore(row);
  }

  runningVolumeRestores(): VolumeRestore[] {
    return (this.db.prepare("SELECT * FROM volume_restores WHERE state = 'running'").all() as VolumeRestoreRow[]).map(toVolumeRestore);
  }

  finishVolumeRestore(volumeId: string, state: 'completed' | 'failed', message: string | null): void {
    this.db.prepare('UPDATE volume_restores SET state = ?, message = ? WHERE volume_id = ?').run(state, message, volumeId);
  }

  /** Every volume's file system (for turning EFS's own backups on at start); read from the volumes table beside these. */
  fileSystemIds(): string[] {
    return (this.db.prepare('SELECT file_system_id FROM volumes WHERE file_system_id IS NOT NULL').all() as { file_system_id: string }[]).map(r => r.file_system_id);
  }

  close(): void {
    this.db.close();
  }

  private visible(table: 'snapshots' | 'snapshot_restores', user: string, projects: string[]): unknown[] {
    const marks = projects.map(() => '?').join(', ');
    return this.db
      .prepare(`SELECT * FROM ${table} WHERE owner = ?${projects.length ? ` OR project IN (${marks})` : ''} ORDER BY created_at, id`)
      .all(user, ...projects);
  }
}
