/**
 * Snapshots, their schedules, the EBS volumes restored from them, and EFS
 * restores, on the SQL seam (SQLite or PostgreSQL).
 */
import type { Snapshot, VolumeRestore, VolumeRestoreState } from '../contract/storage';
import type { VolumeRestoreStore } from '../domain/backups';
import type { ScheduleRecord, ScheduleStore } from '../domain/snapshot-schedules';
import type { RestoreRecord, SnapshotRecord, SnapshotStore } from '../domain/snapshots';
import { placeholders, type SqlDatabase } from './sql-database';

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

export class SqlSnapshotStore implements SnapshotStore, ScheduleStore, VolumeRestoreStore {
  constructor(private readonly db: SqlDatabase) {}

  insertSnapshot(s: SnapshotRecord): void {
    this.db.run(`INSERT INTO snapshots (id, workstation_id, workstation_name, owner, project, ebs_snapshot_id, size_gib, description, trigger, state, progress, availability_zone, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.id, s.workstationId, s.workstationName, s.owner, s.project, s.ebsSnapshotId, s.sizeGiB, s.description, s.trigger, s.state, s.progress, s.availabilityZone, s.createdAt);
  }

  snapshot(id: string): SnapshotRecord | undefined {
    const row = this.db.get('SELECT * FROM snapshots WHERE id = ?', id) as SnapshotRow | undefined;
    return row && toSnapshot(row);
  }

  updateSnapshot(id: string, patch: Parameters<SnapshotStore['updateSnapshot']>[1]): void {
    const entries = Object.entries(patch).filter(([key, value]) => SNAPSHOT_COLUMNS[key] && value !== undefined);
    if (entries.length === 0) return;
    this.db.run(`UPDATE snapshots SET ${entries.map(([key]) => `${SNAPSHOT_COLUMNS[key]} = ?`).join(', ')} WHERE id = ?`, ...entries.map(([, value]) => value), id);
  }

  removeSnapshot(id: string): void {
    this.db.run('DELETE FROM snapshots WHERE id = ?', id);
  }

  visibleSnapshots(user: string, projects: string[]): SnapshotRecord[] {
    return (this.visible('snapshots', user, projects) as SnapshotRow[]).map(toSnapshot);
  }

  snapshotsOf(workstationId: string): SnapshotRecord[] {
    return (this.db.all('SELECT * FROM snapshots WHERE workstation_id = ? ORDER BY created_at, id', workstationId) as SnapshotRow[]).map(toSnapshot);
  }

  pendingSnapshots(): SnapshotRecord[] {
    return (this.db.all("SELECT * FROM snapshots WHERE state = 'pending'") as SnapshotRow[]).map(toSnapshot);
  }

  insertRestore(r: RestoreRecord): void {
    this.db.run(`INSERT INTO snapshot_restores (id, volume_id, snapshot_id, workstation_id, owner, project, availability_zone, size_gib, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.id, r.volumeId, r.snapshotId, r.workstationId, r.owner, r.project, r.availabilityZone, r.sizeGiB, r.createdAt);
  }

  setRestoredVolume(id: string, volumeId: string): void {
    this.db.run('UPDATE snapshot_restores SET volume_id = ? WHERE id = ?', volumeId, id);
  }

  restoreByVolume(volumeId: string): RestoreRecord | undefined {
    const row = this.db.get('SELECT * FROM snapshot_restores WHERE volume_id = ?', volumeId) as RestoreRow | undefined;
    return row && toRestore(row);
  }

  removeRestore(id: string): void {
    this.db.run('DELETE FROM snapshot_restores WHERE id = ?', id);
  }

  visibleRestores(user: string, projects: string[]): RestoreRecord[] {
    return (this.visible('snapshot_restores', user, projects) as RestoreRow[]).map(toRestore);
  }

  putSchedule(s: ScheduleRecord): void {
    this.db.run(`INSERT INTO snapshot_schedules (workstation_id, every_hours, keep, set_by, set_at, last_run_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (workstation_id) DO UPDATE SET every_hours = excluded.every_hours, keep = excluded.keep, set_by = excluded.set_by, set_at = excluded.set_at`, s.workstationId, s.everyHours, s.keep, s.setBy, s.setAt, s.lastRunAt);
  }

  schedule(workstationId: string): ScheduleRecord | undefined {
    const row = this.db.get('SELECT * FROM snapshot_schedules WHERE workstation_id = ?', workstationId) as ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  schedules(): ScheduleRecord[] {
    return (this.db.all('SELECT * FROM snapshot_schedules ORDER BY workstation_id') as ScheduleRow[]).map(toSchedule);
  }

  setLastRun(workstationId: string, at: string): void {
    this.db.run('UPDATE snapshot_schedules SET last_run_at = ? WHERE workstation_id = ?', at, workstationId);
  }

  removeSchedule(workstationId: string): void {
    this.db.run('DELETE FROM snapshot_schedules WHERE workstation_id = ?', workstationId);
  }

  insertVolumeRestore(r: VolumeRestore): void {
    this.db.run('INSERT INTO volume_restores (volume_id, source_volume_id, recovery_point, job_id, state, message, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)', r.volumeId, r.sourceVolumeId, r.recoveryPoint, r.jobId, r.state, r.message, r.startedAt);
  }

  volumeRestore(volumeId: string): VolumeRestore | undefined {
    const row = this.db.get('SELECT * FROM volume_restores WHERE volume_id = ?', volumeId) as VolumeRestoreRow | undefined;
    return row && toVolumeRestore(row);
  }

  runningVolumeRestores(): VolumeRestore[] {
    return (this.db.all("SELECT * FROM volume_restores WHERE state = 'running'") as VolumeRestoreRow[]).map(toVolumeRestore);
  }

  finishVolumeRestore(volumeId: string, state: 'completed' | 'failed', message: string | null): void {
    this.db.run('UPDATE volume_restores SET state = ?, message = ? WHERE volume_id = ?', state, message, volumeId);
  }

  /** Every volume's file system (for turning EFS's own backups on at start); read from the volumes table beside these. */
  fileSystemIds(): string[] {
    return (this.db.all('SELECT file_system_id FROM volumes WHERE file_system_id IS NOT NULL') as { file_system_id: string }[]).map(r => r.file_system_id);
  }

  private visible(table: 'snapshots' | 'snapshot_restores', user: string, projects: string[]): unknown[] {
    return this.db.all(`SELECT * FROM ${table} WHERE owner = ?${projects.length ? ` OR project IN (${placeholders(projects.length)})` : ''} ORDER BY created_at, id`, user, ...projects);
  }
}
