import type { ParseArgsConfig } from 'node:util';
import { AdminClient, targetOf } from './admin-client';

/** What every command is made of: its help, options, arguments and run, and the pieces they share. */

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal: `jobs watch` then redraws one line. */
  tty: boolean;
  env: NodeJS.ProcessEnv;
}

export type Flags = Record<string, string | boolean | undefined>;

export interface Command {
  help: string;
  options?: ParseArgsConfig['options'];
  /** Positional arguments: their names, in order; a trailing '?' marks an optional one. */
  args: string[];
  run(args: string[], flags: Flags, io: Io): Promise<number>;
}

export const CONNECTION = `
Connection (jobs, records, accounts, clock):
  --url <url>      the service (default: EMULATOR_URL, else http://127.0.0.1:$PORT, port 8080)
  --token <token>  the admin token (default: ADMIN_TOKEN; the service prints it at startup)`;

export const connectionOptions = { url: { type: 'string' }, token: { type: 'string' } } as const;
export const jsonOption = { json: { type: 'boolean' } } as const;

export const client = (flags: Record<string, unknown>, io: Io) =>
  new AdminClient(targetOf({ url: flags.url as string | undefined, token: flags.token as string | undefined }, io.env));

/** C1 controls and bidirectional overrides, which JSON.stringify leaves as they are: escaped, so a record's text cannot steer the terminal. */
const UNSAFE_IN_TERMINAL = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const printJson = (io: Io, value: unknown) =>
  io.out(`${JSON.stringify(value, null, 2).replace(UNSAFE_IN_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`);
