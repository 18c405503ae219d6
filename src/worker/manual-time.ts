import type { ManualClock } from '../lib/clock';
import type { Worker } from './worker';

/**
 * Deterministic time (CLOCK=manual): the clock stands still and jobs move only when told to.
 * `advance(seconds)` walks the clock forward to the target in steps and lets the worker do at
 * each step what it would have done by then, so jobs leave the progress samples, estimates,
 * failures and expiry they would have in real time, only at a coarser grain: at most
 * MAX_STEPS steps of equal length, plus a stop at each moment a queued job becomes available
 * between them (so a job starts when it should, not at the next step).
 * The same calls on the same data give the same jobs, samples and answers every time.
 */

/** Steps one advance takes at most, besides stopping where a job falls due. */
const MAX_STEPS = 64;

export interface ClockAdvance {
  /** The clock after the advance. */
  now: Date;
  /** Job steps the worker took on the way. */
  steps: number;
}

export interface ManualTimeOptions {
  /** Shortest step, as the worker's tick: finer steps would add samples, not realism. */
  tickMs: number;
  /** The earliest moment after `after` that a queued job becomes available (the job store's nextStartAt). */
  nextStartAt(after: Date): Promise<Date | null>;
  /** Keeps the clock's time, so a restart goes on from it. */
  save(at: Date): Promise<void>;
}

export class ManualTime {
  /** Advances run one after another: two at once would step the same jobs from two clocks. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly clock: ManualClock,
    private readonly worker: Pick<Worker, 'runDue'>,
    private readonly options: ManualTimeOptions,
  ) {}

  advance(seconds: number): Promise<ClockAdvance> {
    return this.exclusive(() => this.walk(seconds));
  }

  /** Runs `work` in the advances' line: after the advance under way, before the next (a reset). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async walk(seconds: number): Promise<ClockAdvance> {
    const target = this.clock.now().getTime() + Math.round(seconds * 1000);
    const least = Math.max(this.options.tickMs, Math.ceil((target - this.clock.now().getTime()) / MAX_STEPS), 1);
    // Whatever is due already goes first, at the time it fell due.
    let steps = await this.worker.runDue();
    for (let now = this.clock.now().getTime(); now < target; now = this.clock.now().getTime()) {
      // Running jobs take every item due by each step's end, whatever its length; only a start
      // is worth a stop of its own.
      const start = (await this.options.nextStartAt(new Date(now)))?.getTime() ?? Infinity;
      const next = Math.min(target, now + least, start);
      this.clock.moveTo(new Date(next));
      steps += await this.worker.runDue();
    }
    await this.options.save(this.clock.now());
    return { now: this.clock.now(), steps };
  }
}
