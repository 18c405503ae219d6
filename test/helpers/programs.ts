import { spawn, spawnSync } from 'node:child_process';

/** Outside programs a suite runs (SOAP clients, examples): checked for, then run and read whole. */

/** Fails with an install hint when `command args` cannot run (missing program or module). */
export function requireProgram(command: string, args: string[], hint: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : (result.stderr || result.stdout || `exit status ${result.status}`).trim();
    throw new Error(`${hint}\n(\`${[command, ...args].join(' ')}\` failed: ${why})`);
  }
}

export interface ProgramRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (SIGKILLed after `timeoutMs`); rejects only when it cannot start. */
export function runProgram(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
