import type { Job } from '../jobs/job';

/** The callbacks' port to Postgres: account defaults, queued deliveries and their attempts. */

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** A delivery claimed for one attempt, with the job it reports. */
export interface ClaimedDelivery {
  id: string;
  url: string;
  /** This attempt's number, from 1. */
  attempt: number;
  job: Job;
}

/** The claimer's deliveries under way, by account, and how many one account may have. */
export interface ClaimFairness {
  held: ReadonlyMap<string, number>;
  accountLimit: number;
}

export interface AttemptRecord {
  attemptedAt: Date;
  durationMs: number;
  /** The receiver's answer; null when none came (refused, timed out). */
  httpStatus: number | null;
  error: string | null;
  /** What follows: done, given up, or another attempt at `nextAttemptAt`. */
  outcome: { state: 'delivered' | 'failed' } | { state: 'pending'; nextAttemptAt: Date };
}

export interface DeliveryView {
  id: string;
  jobId: string;
  url: string;
  state: DeliveryState;
  attempts: Array<{ attempt: number; attemptedAt: Date; durationMs: number; httpStatus: number | null; error: string | null }>;
  nextAttemptAt: Date | null;
  createdAt: Date;
  endedAt: Date | null;
}

export interface DeliveryFilter {
  jobId?: string;
  state?: DeliveryState;
  limit: number;
}

export interface CallbackStore {
  /** The account's default callback URL for its jobs; undefined when it has none. */
  accountCallback(account: string): Promise<string | undefined>;
  /** Sets (or with null, removes) the account's default; it applies to jobs created afterwards. */
  setAccountCallback(account: string, url: string | null, now: Date): Promise<void>;
  /**
   * Takes up to `limit` pending deliveries due at `now` for one attempt each, counting the
   * attempt and holding them until `leaseUntil` (if this process dies, another retries them then),
   * never so many of one account that its deliveries under way pass `fairness.accountLimit`.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number, fairness: ClaimFairness): Promise<ClaimedDelivery[]>;
  /** Records the attempt and what follows it; ignored when the delivery was claimed again since. */
  recordAttempt(deliveryId: string, attempt: number, record: AttemptRecord): Promise<void>;
  /** Deliveries, newest first, with their attempts. */
  listDeliveries(filter: DeliveryFilter): Promise<DeliveryView[]>;
  /** When the next pending delivery falls due after `now`; null when none will. */
  nextDueAfter(now: Date): Promise<Date | null>;
}
