/**
 * Groups calls made while the database is busy into one query. A call made when fewer than
 * `maxInFlight` batches are running goes out at the end of the current turn of the event loop,
 * with whatever else arrived in that turn; calls made while `maxInFlight` batches run wait and
 * leave together as soon as one returns. An idle server so answers a lone request at once, and a
 * busy one sends one statement for many requests instead of one each: on two cores the socket
 * writes and Postgres's per-statement work, not the rows, were most of a poll's cost.
 *
 * `run` gets the inputs in arrival order and answers one output per input, in the same order. If
 * it throws, every call of that batch fails with its error; other batches are not affected.
 */

export interface BatcherOptions {
  /** Batches running at once (each holds a database connection while it runs). */
  maxInFlight: number;
  /** Most inputs in one batch; more wait for the next one. */
  maxBatch: number;
  /**
   * How long a batch may wait for more inputs before it goes (default 0: at the end of the turn).
   * For writes nobody waits on, such as the request journal: a statement carries its fixed cost
   * (a round trip, Postgres's per-statement work) for a hundred rows instead of a few. A full batch
   * goes at once, and `drain` sends whatever waits without lingering.
   */
  lingerMs?: number;
}

interface Waiting<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

export class Batcher<In, Out> {
  private queue: Array<Waiting<In, Out>> = [];
  private inFlight = 0;
  private scheduled = false;
  private lingering: NodeJS.Timeout | null = null;
  /** Set by drain until what waited then is sent: no lingering meanwhile. */
  private hurry = false;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly options: BatcherOptions = { maxInFlight: 2, maxBatch: 500 },
  ) {}

  load(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Sends what waits now (within maxInFlight), not after the linger. */
  drain(): void {
    this.hurry = this.queue.length > 0;
    if (this.lingering) {
      clearTimeout(this.lingering);
      this.lingering = null;
      this.scheduled = false;
    }
    this.flush();
  }

  private schedule(): void {
    const linger = this.options.lingerMs ?? 0;
    if (this.lingering && this.queue.length >= this.options.maxBatch) {
      this.drain();
      return;
    }
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    if (linger > 0 && !this.hurry && this.queue.length < this.options.maxBatch) {
      this.lingering = setTimeout(() => {
        this.lingering = null;
        this.scheduled = false;
        this.flush();
      }, linger);
      // What lingers is written by drain (a journal's stop) or when the process lives on anyway.
      this.lingering.unref();
      return;
    }
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.length <= this.options.maxBatch ? this.queue : this.queue.slice(0, this.options.maxBatch);
      this.queue = batch === this.queue ? [] : this.queue.slice(this.options.maxBatch);
      this.inFlight++;
      this.send(batch);
    }
    if (this.queue.length === 0) this.hurry = false;
  }

  private send(batch: Array<Waiting<In, Out>>): void {
    let outputs: Promise<Out[]>;
    try {
      outputs = this.run(batch.map((waiting) => waiting.input));
    } catch (error) {
      outputs = Promise.reject(error);
    }
    outputs
      .then(
        (results) => {
          if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${results.length} results`);
          batch.forEach((waiting, i) => waiting.resolve(results[i]));
        },
        (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
      )
      .catch((error: unknown) => batch.forEach((waiting) => waiting.reject(error)))
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
  }
}
