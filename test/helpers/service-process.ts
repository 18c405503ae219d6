import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The real entry point (`src/cli/main.ts serve`) in a child process on an embedded PGlite of its own,
 * for tests that must see the process end rather than take jest down with it.
 */

const ROOT = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Its exit code once it has exited. */
  exited: Promise<number | null>;
  /** Stops it (SIGTERM, then waits) and removes its data folder. */
  stop(): Promise<void>;
}

/** `command`: the node arguments that serve (the sources by default; the built CLI is `bin/async-status-emulator.js serve`). */
export function startServiceProcess(env: Record<string, string> = {}, command = ['-r', './tools/register-ts.js', 'src/cli/main.ts', 'serve']): Promise<ServiceProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ase-process-'));
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output, exited, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(async (code) => {
      await stop();
      reject(new Error(`the service exited (${code}) before listening:\n${output}`));
    });
  });
}
