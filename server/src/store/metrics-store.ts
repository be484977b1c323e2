/** Monitoring points on the SQL seam (SQLite or PostgreSQL). */
import type { MetricsStore, StoredMetricsPoint } from '../domain/ports';
import type { SqlDatabase } from './sql-database';

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

export class SqlMetricsStore implements MetricsStore {
  constructor(private readonly db: SqlDatabase) {}

  append(p: StoredMetricsPoint): void {
    this.db.run(`INSERT INTO workstation_metrics (workstation_id, at, cpu_percent, memory_percent, memory_used_mib, disk_percent,
           network_rx_bytes, network_tx_bytes, network_rx_bps, network_tx_bps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.workstationId, p.at, p.cpuPercent, p.memoryPercent, p.memoryUsedMiB, p.diskPercent, p.networkRxBytes, p.networkTxBytes, p.networkRxBps, p.networkTxBps);
  }

  since(workstationId: string, from: number): StoredMetricsPoint[] {
    const rows = this.db.all('SELECT * FROM workstation_metrics WHERE workstation_id = ? AND at >= ? ORDER BY at, rowid', workstationId, from) as Row[];
    return rows.map(fromRow);
  }

  latest(workstationId: string): StoredMetricsPoint | undefined {
    const row = this.db.get('SELECT * FROM workstation_metrics WHERE workstation_id = ? ORDER BY at DESC, rowid DESC LIMIT 1', workstationId) as Row | undefined;
    return row && fromRow(row);
  }

  forget(before: number): void {
    this.db.run('DELETE FROM workstation_metrics WHERE at < ?', before);
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
