import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ASYNC_STATUSES, type JobSource, type JobStatus } from '../jobs/job';
import type { MetricsSources } from '../jobs/gauges';
import { ABORTED, type AnswerStatus } from '../lib/answer-status';
import type { Face } from '../lib/served-call';

/**
 * The service's Prometheus metrics, on a registry of its own (several services in one process,
 * as in tests, never share a series), followed by the process's. Request counts and latencies
 * are recorded as requests end; jobs by status, worker lag and pool use are read when /metrics
 * is scraped, so they cost nothing between scrapes. On the SOAP path every update goes to a label
 * child resolved in advance.
 */

/** Work done for a request once it is over, whose errors are logged and counted, never thrown. */
const SIDE_WORKS = ['log', 'journal'] as const;
export type SideWork = (typeof SIDE_WORKS)[number];

export interface MetricsErrorLogger {
  error(message: string, details: Record<string, unknown>): void;
}

const JOB_STATUSES: readonly JobStatus[] = [...ASYNC_STATUSES, 'cancelled'];
const JOB_SOURCES: readonly JobSource[] = ['scripted', 'request', 'external'];
/** From a cached poll (about a millisecond) to a large result page or an emulated delay. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface CounterChild {
  inc(value?: number): void;
}
interface HistogramChild {
  observe(value: number): void;
}

/** One SOAP operation's series: its latency, its answers by HTTP status and its faults by code. */
interface OperationSeries {
  operation: string;
  latency: HistogramChild;
  byStatus: Map<AnswerStatus, CounterChild>;
  byFault: Map<string, CounterChild>;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'face' | 'operation' | 'status'>;
  private readonly faults: Counter<'operation' | 'code'>;
  private readonly latency: Histogram<'face' | 'operation'>;
  private readonly sideWorkErrors: Counter<'work'>;
  private readonly soapSeries = new Map<string, OperationSeries>();
  private readonly httpSeries = new Map<string, { count: CounterChild; latency: HistogramChild }>();

  /** `soapOperations`: every operation the SOAP face answers, resolved now; others count as `unknown`. */
  constructor(sources: MetricsSources, soapOperations: readonly string[], logger: MetricsErrorLogger) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'ase_requests_total',
      help: 'Requests answered, by face, operation and HTTP status (aborted: the client went away before its answer was sent).',
      labelNames: ['face', 'operation', 'status'],
      registers,
    });
    this.faults = new Counter({
      name: 'ase_soap_faults_total',
      help: 'SOAP faults answered, by operation and fault code (the platformFaults code, or the faultcode when there is none).',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'ase_request_duration_seconds',
      help: 'Time from a request arriving to its answer being written, by face and operation.',
      labelNames: ['face', 'operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.sideWorkErrors = new Counter({
      name: 'ase_side_work_errors_total',
      help: 'Errors in the work done once a request is over (its log line and counts, its journal entry), logged and survived.',
      labelNames: ['work'],
      registers,
    });
    for (const work of SIDE_WORKS) this.sideWorkErrors.labels(work).inc(0);
    for (const operation of [...soapOperations, 'unknown']) {
      const byStatus = new Map([200, 500].map((status) => [status, this.requests.labels('soap', operation, String(status))] as const));
      // Exported at 0 from the start, so a rate over the first calls has a point before them.
      for (const count of byStatus.values()) count.inc(0);
      this.latency.zero({ face: 'soap', operation });
      this.soapSeries.set(operation, { operation, latency: this.latency.labels('soap', operation), byStatus, byFault: new Map() });
    }

    const database = new Gauge({ name: 'ase_database_up', help: '1 when the last scrape could read the job table, else 0.', registers });
    new Gauge({
      name: 'ase_jobs',
      help: 'Jobs in the database by status and source, at scrape time.',
      labelNames: ['status', 'source'],
      registers,
      async collect() {
        this.reset();
        try {
          const counts = await sources.jobCounts();
          for (const status of JOB_STATUSES) for (const source of JOB_SOURCES) this.set({ status, source }, 0);
          for (const { status, source, jobs } of counts) this.set({ status, source }, jobs);
          database.set(1);
        } catch (error) {
          database.set(0);
          logger.error('metrics: the job table could not be read', { error });
        }
      },
    });
    new Gauge({
      name: 'ase_worker_lag_seconds',
      help: 'How long the earliest job the worker could advance now has been due, at scrape time (0: nothing overdue).',
      registers,
      async collect() {
        try {
          this.set(await sources.workerLagSeconds());
        } catch {
          this.reset();
        }
      },
    });
    new Counter({
      name: 'ase_worker_steps_total',
      help: 'Job steps the worker of this process has taken.',
      registers,
      collect() {
        this.reset();
        this.inc(sources.workerSteps());
      },
    });
    new Gauge({
      name: 'ase_db_pool_connections',
      help: 'Database pool connections by pool (knex: general queries; hot: the SOAP status reads) and state (used, free, pending: requests waiting for one).',
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        this.reset();
        for (const { pool, used, free, pending } of sources.pools()) {
          this.set({ pool, state: 'used' }, used);
          this.set({ pool, state: 'free' }, free);
          this.set({ pool, state: 'pending' }, pending);
        }
      },
    });
  }

  /** One SOAP answer; `faultCode` when it was a fault. An aborted request has no latency: nothing was answered. */
  soapCall(operation: string, status: AnswerStatus, faultCode: string | undefined, seconds: number): void {
    const series = this.soapSeries.get(operation) ?? this.soapSeries.get('unknown')!;
    let count = series.byStatus.get(status);
    if (!count) series.byStatus.set(status, (count = this.requests.labels('soap', series.operation, String(status))));
    count.inc();
    if (status !== ABORTED) series.latency.observe(seconds);
    if (faultCode === undefined) return;
    let fault = series.byFault.get(faultCode);
    if (!fault) series.byFault.set(faultCode, (fault = this.faults.labels(series.operation, faultCode)));
    fault.inc();
  }

  /** One answer of a JSON face (or a probe); `operation` is its method and route pattern. */
  httpCall(face: Face, operation: string, status: AnswerStatus, seconds: number): void {
    const key = `${face} ${operation} ${status}`;
    let series = this.httpSeries.get(key);
    if (!series) this.httpSeries.set(key, (series = { count: this.requests.labels(face, operation, String(status)), latency: this.latency.labels(face, operation) }));
    series.count.inc();
    if (status !== ABORTED) series.latency.observe(seconds);
  }

  /** An error in a request's side work, once logged. */
  sideWorkFailed(work: SideWork): void {
    this.sideWorkErrors.inc({ work });
  }

  /** The exposition text, the service's metrics and then the process's, and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    const [own, shared] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return { contentType: this.registry.contentType, text: `${own}\n${shared}` };
  }
}

/**
 * prom-client's default metrics (CPU, memory, event loop, GC) describe the process, not a
 * service: one collector per process however many services it runs, as each collector starts
 * monitors that are never stopped.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
