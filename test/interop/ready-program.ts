import { spawn } from 'node:child_process';
import type { ClientReport } from './interop';

/**
 * Runs a client program that says when it is ready: once it writes the line `ready` on stderr
 * (its client built from the WSDL), `whenReady` gives the line written to its stdin (the job ids,
 * created only then, so the program sees the first job pending however long the WSDL took).
 * Resolves to the JSON report it printed; rejects with its output when it fails, and after
 * `timeoutMs` (SIGKILLed).
 */
export function runJsonProgramWhenReady(command: string, args: string[], whenReady: () => Promise<string>, timeoutMs = 90_000): Promise<ClientReport> {
  const shown = `${command} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let answered = false;
    const fail = (why: string, cause?: unknown) => {
      child.kill('SIGKILL');
      reject(new Error(`${shown} ${why}\nstderr:\n${stderr}\nstdout:\n${stdout}`, { cause }));
    };
    const timer = setTimeout(() => fail(`did not end in ${timeoutMs} ms`), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (answered || !/^ready$/m.test(stderr)) return;
      answered = true;
      whenReady().then(
        (line) => child.stdin.end(`${line}\n`),
        (error: unknown) => fail(`was not answered: ${(error as Error).message}`, error),
      );
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${shown} ended with ${signal ? `signal ${signal}` : `exit status ${code}`}\nstderr:\n${stderr}\nstdout:\n${stdout}`));
      try {
        resolve(JSON.parse(stdout) as ClientReport);
      } catch (error) {
        reject(new Error(`${shown} printed no JSON report (${(error as Error).message})\nstderr:\n${stderr}\nstdout:\n${stdout}`, { cause: error }));
      }
    });
  });
}
