import { createServer } from 'node:net';
import path from 'node:path';
import { runProgram, type ProgramRun } from '../helpers/programs';

/** Running the examples as a user would: from the repository root, with only the settings given. */

export const ROOT = path.resolve(__dirname, '../..');
export const EXAMPLES = path.join(ROOT, 'examples');

/** The example settings a developer's shell may have set, so they cannot leak into a run. */
const EXAMPLE_SETTINGS = /^(EMULATOR_URL|NS_[A-Z_]+|BUILD_DIR)$/;

export function runExample(command: string, args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<ProgramRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !EXAMPLE_SETTINGS.test(name)));
  return runProgram(command, args, { cwd: ROOT, env: { ...inherited, ...env }, timeoutMs });
}

/** A loopback port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** What a run printed, for a failure message. */
export const shown = (run: ProgramRun) => `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
