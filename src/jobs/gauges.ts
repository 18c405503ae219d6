import type { JobSource, JobStatus } from './job';

/** What the service's gauges read when /metrics is scraped: a port the database implements. */

export interface PoolUse {
  pool: 'knex' | 'hot';
  used: number;
  free: number;
  /** Requests waiting for a connection. */
  pending: number;
}

/** What the scrape-time metrics are read from (the database implements them: src/db/pg-job-gauges.ts). */
export interface MetricsSources {
  jobCounts(): Promise<Array<{ source: JobSource; status: JobStatus; jobs: number }>>;
  /** Seconds since the earliest job the worker could advance now fell due; 0 when none is. */
  workerLagSeconds(): Promise<number>;
  /** Job steps the worker of this process has taken. */
  workerSteps(): number;
  pools(): PoolUse[];
}
