import type { Core } from './core';

/** The worker process on a core: the worker loop and the callback dispatcher, nothing that serves. */
export interface WorkerProcess {
  core: Core;
  start(): void;
  /** Stops the loop and the dispatcher, then the core. */
  stop(): Promise<void>;
}

export function work(core: Core): WorkerProcess {
  return {
    core,
    start: () => {
      core.worker.start();
      core.callbacks.start();
    },
    stop: () => core.stop(),
  };
}
