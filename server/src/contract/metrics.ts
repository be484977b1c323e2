/**
 * Monitoring (docs/monitoring.md): a workstation's resource graphs and cost
 * over time, from `GET /instances/:id/metrics` and the socket event
 * `instance:metrics`. Part of API v1: extend, never change a field's meaning.
 */

/** One measurement of the workstation's agent. null: that agent does not measure it (an older agent), or no rate yet. */
export interface MetricsPoint {
  /** ISO 8601, when the agent measured. */
  at: string;
  /** All cores, over the agent's interval. */
  cpuPercent: number;
  memoryPercent: number | null;
  /** Of the root file system. */
  diskPercent: number | null;
  /** Bytes per second received and sent, loopback excluded, since the agent's previous report. */
  networkRxBps: number | null;
  networkTxBps: number | null;
}

/** Spend in USD since the workstation was launched, as of `at` (the same arithmetic as GET /costs). */
export interface SpendPoint {
  at: string;
  spend: number;
}

/** `GET /instances/:id/metrics?since=`: at most the last 24 hours, oldest first. */
export interface WorkstationMetrics {
  points: MetricsPoint[];
  /** USD per hour in its present state: compute while running, its root volume until terminated. */
  costPerHour: number;
  spendSeries: SpendPoint[];
}

/** `instance:metrics`, to the owner's room at each new point. */
export interface MetricsEvent extends MetricsPoint {
  id: string;
  /** Spend since launch as of `at`, and the hourly cost then: the cost graph's next point. */
  spend: number;
  costPerHour: number;
}
