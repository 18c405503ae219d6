/**
 * A background loop that does what is due, then sleeps until told (`wake`), until the delay its
 * round asked for, or until the poll interval passes; `stop` lets the round under way finish.
 * The worker and the callback dispatcher each run one.
 */
export class PollLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  /**
   * `round` does the due work and answers how long to sleep (ms); a round that throws is
   * reported and the loop sleeps `pollMs`.
   */
  constructor(
    private readonly round: () => Promise<number>,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True while started and not asked to stop: long rounds check it to end early. */
  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.pollMs;
      try {
        delay = await this.round();
      } catch (error) {
        this.onError(error);
      }
      if (this.running) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
