import { isTerminal, type Job, type JobSample, type RateState } from './job';
import { emptyRateState, estimateRemainingSeconds, foldSample, percentCompleted } from './eta';

/**
 * How a job's estRemainingDuration moved: its stored progress samples replayed, oldest first,
 * through the same fold the worker and the progress API apply (progress.ts), so the estimate at
 * each sample's time is the one a poll at that moment would have read.
 */

export interface EtaPoint {
  at: Date;
  processed: number;
  percent: number;
  /** estRemainingDuration at `at`, in seconds. */
  estimate: number;
  /** For a job that finished: how long it really had to go from `at`. */
  actual: number | null;
}

export interface EtaHistory {
  points: EtaPoint[];
  /** The rate state after the last sample replayed: the job's own when every sample was replayed. */
  rate: RateState;
}

type ReplayedJob = Pick<Job, 'source' | 'status' | 'availableAt' | 'startedAt' | 'finishedAt' | 'totalItems' | 'ratePerSecond'>;

export function etaHistory(job: ReplayedJob, samples: JobSample[]): EtaHistory {
  let rate = emptyRateState();
  let previous = 0;
  const points: EtaPoint[] = [];
  const startedAt = job.startedAt ?? samples[0]?.at;
  const ended = job.status === 'finished' || job.status === 'finishedWithErrors' ? job.finishedAt : null;
  samples.forEach((sample, index) => {
    const advanced = sample.processed - previous;
    // The worker folds a step only when it applied items; a reported job folds each of its samples.
    if (advanced > 0 || job.source === 'external') rate = foldSample(rate, startedAt ?? sample.at, sample.at, Math.max(0, advanced));
    previous = sample.processed;
    const last = index === samples.length - 1;
    const status = last && isTerminal(job.status) ? job.status : 'processing';
    const state = { status, availableAt: job.availableAt, startedAt: startedAt ?? sample.at, totalItems: job.totalItems, processedItems: sample.processed, rate };
    points.push({
      at: sample.at,
      processed: sample.processed,
      percent: percentCompleted(state),
      estimate: estimateRemainingSeconds(state, sample.at, { itemsAhead: 0, rate: job.ratePerSecond }),
      actual: ended ? Math.max(0, (ended.getTime() - sample.at.getTime()) / 1000) : null,
    });
  });
  return { points, rate };
}
