/**
 * Monitoring points on SQLite. It opens the same database file as
 * SqliteStore, which applies the migrations, so it is opened after it.
 */
import Database from 'better-sqlite3';
import type { MetricsStore, StoredMetricsPoint } from '../domain/ports';

interface Row {
  workstation_id: string;
  at: number;
  cpu_percent: number;
  memory_percent: number | null;
  memory_used_mib: number | null;
  disk_percent: number | null;
  network_rx_bytes: number | null;
  network_tx_bytes: number | null;
  network_rx_bps: number | null;
  network_tx_bps: number | null;
}

export class SqliteMetricsStore implements MetricsStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  append(p: StoredMetricsPoint): void {
    this.db
      .prepare(
        `INSERT INTO workstation_metrics (workstation_id, at, cpu_percent, memory_percent, memory_used_mib, disk_percent,
           network_rx_bytes, network_tx_bytes, network_rx_bps, network_tx_bps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(p.workstationId, p.at, p.cpuPercent, p.memoryPercent, p.memoryUsedMiB, p.diskPercent, p.networkRxBytes, p.networkTxBytes, p.networkRxBps, p.networkTxBps);
  }

  since(workstationId: string, from: number): StoredMetricsPoint[] {
    const rows = this.db
      .prepare('SELECT * FROM workstation_metrics WHERE workstation_id = ? AND at >= ? ORDER BY at, rowid')
      .all(workstationId, from) as Row[];
    return rows.map(fromRow);
  }

  latest(workstationId: string): StoredMetricsPoint | undefined {
    const row = this.db
      .prepare('SELECT * FROM workstation_metrics WHERE workstation_id = ? ORDER BY at DESC, rowid DESC LIMIT 1')
      .get(workstationId) as Row | undefined;
    return row && fromRow(row);
  }

  forget(before: number): void {
    this.db.prepare('DELETE FROM workstation_metrics WHERE at < ?').run(before);
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: Row): StoredMetricsPoint {
  return {
    workstationId: row.workstation_id,
    at: row.at,
    cpuPercent: row.cpu_percent,
    memoryPercent: row.memory_percent,
    memoryUsedMiB: row.memory_used_mib,
    diskPercent: row.disk_percent,
    networkRxBytes: row.network_rx_bytes,
    networkTxBytes: row.network_tx_bytes,
    networkRxBps: row.network_rx_bps,
    networkTxBps: row.network_tx_bps
  };
}
