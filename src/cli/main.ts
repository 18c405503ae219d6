import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, EXIT } from './admin-client';
import { client, CONNECTION, connectionOptions, jsonOption, printJson, type Command, type Flags, type Io } from './command';
import { RECORDS_COMMANDS } from './records-commands';
import { clean, duration, isEnded, jobReport, outcomeLine, progressLine, table, type JobView } from './render';
import { fetchWsdlTree, NETSUITE_HOST } from './wsdl-fetch';

/**
 * `async-status-emulator [command]`: runs the service (serve, worker, migrate; no command is serve), talks to a
 * running one through its admin API (jobs, records, accounts, clock), or fetches NetSuite's WSDL (wsdl
 * fetch). Every command has --help; those that print data have --json. Exit status: 0 done,
 * 1 failed (or the job watched ended badly), 2 wrong command line, 3 service (or NetSuite's host)
 * unreachable or admin token refused.
 */

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stdout.isTTY),
  env: process.env,
};

const TOP_HELP = `Usage: async-status-emulator [command] [options]

Run the emulator (with no command, serve: npx async-status-emulator starts the service):
  serve                      the SOAP endpoint, JSON faces, dashboard and (unless WORKER=off) the worker
  worker                     a worker alone, sharing a Postgres server (DATABASE_URL) with a serve
  migrate                    bring the database's tables up to date, then exit

Talk to a running emulator (its admin API):
  jobs list                  jobs by account and state
  jobs show <id>             one job: progress, step tree, first failures
  jobs watch <id>            a live progress bar until the job ends (exit 0 finished, 1 otherwise)
  jobs create <file|->       script a job from a scenario JSON file (see docs/scripted-jobs.md)
  records list               an account's records (add, upsert, asyncAddList's jobs, fixtures), a page at a time
  records show <internalId>  one record: ids, type, dates and its fields
  accounts list              accounts and their limits
  accounts create <id>       a new account
  accounts token <id>        issue a token (and an integration unless --consumer-key names one)
  clock                      the service's clock (CLOCK=manual or system)
  clock advance <seconds>    move the manual clock; every job moves as if that time had passed

NetSuite's own files:
  wsdl fetch <version>       download NetSuite's WSDL and its XSDs for a version, for NETSUITE_WSDL_DIR

Every command takes --help. Configuration of serve/worker/migrate is by environment (docs/configuration.md).
Exit status: 0 done, 1 failed, 2 wrong command line, 3 service or host unreachable, or token refused.
`;

function serviceCommand(mode: 'serve' | 'worker' | 'migrate', help: string): Command {
  return {
    help,
    args: [],
    async run() {
      const { runService } = await import('../compose/run');
      await runService(mode);
      // serve and worker keep running until a signal stops them; migrate is done.
      return EXIT.ok;
    },
  };
}

const COMMANDS: Record<string, Command> = {
  serve: serviceCommand(
    'serve',
    'Usage: async-status-emulator serve\n\nRuns the service: SOAP endpoint, JSON faces, admin API and dashboard, and the worker unless WORKER=off.\nasync-status-emulator with no command runs it too.\nConfigured by environment variables (PORT, DATABASE_URL, CLOCK, …; see docs/configuration.md).\n',
  ),
  worker: serviceCommand(
    'worker',
    'Usage: async-status-emulator worker\n\nRuns a worker alone: it moves jobs forward on the Postgres server DATABASE_URL names, beside a serve.\n',
  ),
  migrate: serviceCommand('migrate', 'Usage: async-status-emulator migrate\n\nBrings the database (DATABASE_URL, else the embedded one in DATA_DIR) up to date, then exits.\n'),

  'jobs list': {
    help: `Usage: async-status-emulator jobs list [--account <id>] [--status <status>] [--limit <n>] [--json]

Lists jobs, newest first: id, account, operation, status, percent, estimate, items.
  --account <id>     one account's jobs
  --status <status>  pending, processing, finished, finishedWithErrors or failed
  --limit <n>        at most n jobs (1-1000, default 100)
  --json             the admin API's JSON
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption, account: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
    args: [],
    async run(_args, flags, io) {
      const query = new URLSearchParams();
      for (const key of ['account', 'status', 'limit'] as const) if (typeof flags[key] === 'string') query.set(key, flags[key]);
      const { jobs } = await client(flags, io).get<{ jobs: JobView[] }>(`/jobs${query.size ? `?${query}` : ''}`);
      if (flags.json) return (printJson(io, jobs), EXIT.ok);
      if (jobs.length === 0) return (io.out('No jobs.\n'), EXIT.ok);
      const rows = jobs.map((job) => [
        job.id,
        job.account,
        job.operation ?? (job.name !== null ? clean(job.name) : job.source),
        job.progress.status,
        `${job.progress.percentCompleted.toFixed(1)}%`,
        isEnded(job.status) ? '-' : duration(job.progress.estRemainingDuration),
        job.source === 'external' ? '-' : `${job.processedItems}/${job.totalItems}`,
      ]);
      io.out(`${table(['ID', 'ACCOUNT', 'WHAT', 'STATUS', 'DONE', 'ETA', 'ITEMS'], rows)}\n`);
      return EXIT.ok;
    },
  },

  'jobs show': {
    help: `Usage: async-status-emulator jobs show <id> [--json]

Shows one job: status, percent, estimate, items, times, its step tree and its first failures.
  --json   the admin API's JSON (with progress samples)
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption },
    args: ['id'],
    async run([id], flags, io) {
      const job = await client(flags, io).get<JobView>(`/jobs/${encodeURIComponent(id)}`);
      if (flags.json) return (printJson(io, job), EXIT.ok);
      io.out(`${jobReport(job)}\n`);
      return EXIT.ok;
    },
  },

  'jobs watch': {
    help: `Usage: async-status-emulator jobs watch <id> [--interval <seconds>] [--json]

Shows the job's progress until it ends: a bar with percent, items, estimate and current step,
redrawn in place on a terminal and a line per change otherwise; then how it ended.
Exit status 0 when it finished, 1 when it finished with errors or failed.
  --interval <seconds>  time between looks (default 1; real time, not the manual clock's)
  --json                one JSON object per change (status, percent, estimate, items, step)
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption, interval: { type: 'string' } },
    args: ['id'],
    async run([id], flags, io) {
      const interval = flags.interval === undefined ? 1 : Number(flags.interval);
      if (!Number.isFinite(interval) || interval < 0.05 || interval > 3600) throw new CliError('--interval must be a number of seconds from 0.05 to 3600', EXIT.usage);
      const admin = client(flags, io);
      let shown = '';
      for (;;) {
        const job = await admin.get<JobView>(`/jobs/${encodeURIComponent(id)}`);
        const line = progressLine(job);
        if (line !== shown) {
          shown = line;
          if (flags.json) {
            io.out(`${JSON.stringify(watchRecord(job))}\n`);
          } else {
            io.out(io.tty ? `\r\x1b[2K${line}` : `${line}\n`);
          }
        }
        if (isEnded(job.status)) {
          if (!flags.json) io.out(`${io.tty ? '\n' : ''}${outcomeLine(job)}\n`);
          return job.progress.status === 'finished' ? EXIT.ok : EXIT.failed;
        }
        await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      }
    },
  },

  'jobs create': {
    help: `Usage: async-status-emulator jobs create <scenario.json | -> [--watch] [--json]

Scripts a job from a scenario (a file, or - for standard input), e.g.
  {"operation": "asyncAddList", "items": 10, "ratePerSecond": 2, "failures": [{"item": 4, "code": "DUP_ENTITY"}]}
and prints its job id. The scenario's fields are listed in docs/scripted-jobs.md.
  --watch  then watch it as \`jobs watch\` does (and exit as it does)
  --json   print {"id": …}
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption, watch: { type: 'boolean' } },
    args: ['scenario'],
    async run([file], flags, io) {
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (error) {
        throw new CliError(`Cannot read ${file === '-' ? 'standard input' : file}: ${(error as Error).message}`, EXIT.usage);
      }
      let scenario: unknown;
      try {
        scenario = JSON.parse(text);
      } catch (error) {
        throw new CliError(`${file === '-' ? 'Standard input' : file} is not JSON: ${(error as Error).message}`, EXIT.usage);
      }
      const created = await client(flags, io).post<{ id: string }>('/jobs', scenario);
      if (flags.watch) {
        if (!flags.json) io.out(`${created.id}\n`);
        return COMMANDS['jobs watch'].run([created.id], flags, io);
      }
      io.out(flags.json ? `${JSON.stringify(created)}\n` : `${created.id}\n`);
      return EXIT.ok;
    },
  },

  ...RECORDS_COMMANDS,

  'accounts list': {
    help: `Usage: async-status-emulator accounts list [--json]

Lists the accounts with their limits.
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption },
    args: [],
    async run(_args, flags, io) {
      const { accounts } = await client(flags, io).get<{ accounts: Array<{ id: string; name: string; limits: Record<string, unknown> }> }>('/accounts');
      if (flags.json) return (printJson(io, accounts), EXIT.ok);
      if (accounts.length === 0) return (io.out('No accounts.\n'), EXIT.ok);
      const limits = (value: Record<string, unknown>) =>
        Object.entries(value ?? {})
          .filter(([, limit]) => limit !== null && limit !== undefined)
          .map(([key, limit]) => `${key}=${String(limit)}`)
          .join(' ') || 'defaults';
      io.out(
        `${table(
          ['ID', 'NAME', 'LIMITS'],
          accounts.map((account) => [account.id, clean(account.name), limits(account.limits)]),
        )}\n`,
      );
      return EXIT.ok;
    },
  },

  'accounts create': {
    help: `Usage: async-status-emulator accounts create <id> [--name <name>] [--json]

Creates an account (ids look like TSTDRV1234567 or 1234567_SB1).
  --name <name>  its name
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption, name: { type: 'string' } },
    args: ['id'],
    async run([id], flags, io) {
      const created = await client(flags, io).post<{ id: string }>('/accounts', { id, ...(typeof flags.name === 'string' ? { name: flags.name } : {}) });
      if (flags.json) return (printJson(io, created), EXIT.ok);
      io.out(`account ${created.id} created\n`);
      return EXIT.ok;
    },
  },

  'accounts token': {
    help: `Usage: async-status-emulator accounts token <account> [--consumer-key <key>] [--integration <name>] [--json]

Issues a token for token-based authentication (tokenPassport). Without --consumer-key it first
creates an integration, and prints its consumer key and secret too. Secrets are shown once.
  --consumer-key <key>   an existing integration of the account
  --integration <name>   the new integration's name (default "CLI integration")
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption, 'consumer-key': { type: 'string' }, integration: { type: 'string' } },
    args: ['account'],
    async run([account], flags, io) {
      const admin = client(flags, io);
      const path = `/accounts/${encodeURIComponent(account)}`;
      let integration: { consumerKey: string; consumerSecret?: string };
      if (typeof flags['consumer-key'] === 'string') {
        integration = { consumerKey: flags['consumer-key'] };
      } else {
        integration = await admin.post(`${path}/integrations`, { name: typeof flags.integration === 'string' ? flags.integration : 'CLI integration' });
      }
      const token = await admin.post<{ tokenId: string; tokenSecret: string }>(`${path}/tokens`, { consumerKey: integration.consumerKey });
      const issued = { account, ...integration, tokenId: token.tokenId, tokenSecret: token.tokenSecret };
      if (flags.json) return (printJson(io, issued), EXIT.ok);
      io.out(
        Object.entries(issued)
          .map(([key, value]) => `${key.padEnd(15)} ${value}`)
          .join('\n') + '\n',
      );
      return EXIT.ok;
    },
  },

  clock: {
    help: `Usage: async-status-emulator clock [--json]

Shows the service's clock: manual (CLOCK=manual; moves only on \`clock advance\`) or system.
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption },
    args: [],
    async run(_args, flags, io) {
      const clock = await client(flags, io).get<{ mode: string; now: string }>('/clock');
      io.out(flags.json ? `${JSON.stringify(clock)}\n` : `${clock.now} (${clock.mode} clock)\n`);
      return EXIT.ok;
    },
  },

  'clock advance': {
    help: `Usage: async-status-emulator clock advance <seconds> [--json]

Moves the manual clock (the service runs with CLOCK=manual) forward; every job moves as if that
much time had passed: items, progress samples, estimates, failures and expiry.
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption },
    args: ['seconds'],
    async run([seconds], flags, io) {
      const value = Number(seconds);
      if (seconds.trim() === '' || !Number.isFinite(value) || value < 0) throw new CliError(`<seconds> must be a number of at least 0 (got "${seconds}")`, EXIT.usage);
      const moved = await client(flags, io).post<{ now: string; steps: number }>('/clock/advance', { seconds: value });
      io.out(flags.json ? `${JSON.stringify(moved)}\n` : `${moved.now} (${moved.steps} job steps)\n`);
      return EXIT.ok;
    },
  },

  'wsdl fetch': {
    help: `Usage: async-status-emulator wsdl fetch <version> [--from <url>] [--to <dir>]

Downloads NetSuite's WSDL for a version (e.g. 2023_2) and every XSD it imports, following each
import and include, into <dir> laid out as NetSuite's URLs are (wsdl/v<version>_0/netsuite.wsdl,
xsd/<area>/v<version>_0/*.xsd). Start the service with NETSUITE_WSDL_DIR=<dir> to serve them for
that version. Files are kept as NetSuite publishes them; a progress line per file goes to stderr.
Only the --from host is asked (imports naming NetSuite's hosts are read from it); each request
times out after 60 s; at most 500 files and 200 MB are fetched.
  --from <url>  where NetSuite's files are published (default ${NETSUITE_HOST})
  --to <dir>    the folder to write (default netsuite-wsdl/<version>); a tree fetched
                before is replaced, a folder holding anything else is refused
Exit status 0 done, 1 the files are not a tree the service takes, 2 unknown version or wrong
options, 3 the host cannot be reached or answers an HTTP error.
`,
    options: { from: { type: 'string' }, to: { type: 'string' } },
    args: ['version'],
    async run([version], flags, io) {
      const to = typeof flags.to === 'string' ? flags.to : join('netsuite-wsdl', version);
      const from = typeof flags.from === 'string' ? flags.from : NETSUITE_HOST;
      const tree = await fetchWsdlTree({ version, from, to, progress: (line) => io.err(`${line}\n`) });
      io.out(
        `NetSuite's WSDL ${version}: ${tree.files} files (${(tree.bytes / 1024).toFixed(1)} kB), ${tree.recordTypes} record types, ${tree.searchTypes} search types, in ${tree.dir}\n` +
          `Serve them with NETSUITE_WSDL_DIR=${tree.dir}\n`,
      );
      return EXIT.ok;
    },
  },
};

/** The compact record `jobs watch --json` prints for each change. */
function watchRecord(job: JobView) {
  return {
    id: job.id,
    status: job.progress.status,
    percentCompleted: job.progress.percentCompleted,
    estRemainingDuration: job.progress.estRemainingDuration,
    processedItems: job.processedItems,
    totalItems: job.totalItems,
    failedItems: job.failedItems,
  };
}

/** Finds the command the words name ("jobs watch"), longest match first; the rest are its arguments. */
function findCommand(argv: string[]): { name: string; command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    if (argv.length >= words && Object.hasOwn(COMMANDS, name)) return { name, command: COMMANDS[name], rest: argv.slice(words) };
  }
  return undefined;
}

/** An empty command line is serve: `npx async-status-emulator` starts the service. */
const commandLine = (argv: string[]) => (argv.length === 0 ? ['serve'] : argv);

/** Runs one command line; resolves to its exit status (serve and worker resolve once running). */
export async function runCommand(given: string[], io: Io = processIo): Promise<number> {
  const argv = commandLine(given);
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(TOP_HELP);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = Object.keys(COMMANDS).filter((name) => name.startsWith(`${argv[0]} `));
    const hint = group.length > 0 ? `"${argv[0]}" needs a subcommand: ${group.map((name) => name.split(' ')[1]).join(', ')}` : `Unknown command "${argv[0]}"`;
    io.err(`${hint}. Run async-status-emulator --help.\n`);
    return EXIT.usage;
  }
  const { name, command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return EXIT.ok;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    } catch (error) {
      throw new CliError(`${(error as Error).message.replace(/\. To specify.*$/s, '')}`, EXIT.usage);
    }
    const needed = command.args.filter((arg) => !arg.endsWith('?')).length;
    if (parsed.positionals.length < needed || parsed.positionals.length > command.args.length) {
      throw new CliError(`${name} takes ${command.args.map((arg) => `<${arg.replace('?', '')}>`).join(' ') || 'no arguments'}`, EXIT.usage);
    }
    return await command.run(parsed.positionals, parsed.values as Flags, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`${error.message}${error.exitCode === EXIT.usage ? `\nRun async-status-emulator ${name} --help.` : ''}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

/** The process's entry: runs the command and exits with its status (serve and worker stay up). */
export function runCli(argv: string[]): void {
  runCommand(argv).then(
    (code) => {
      const found = findCommand(commandLine(argv));
      const stays = found && (found.name === 'serve' || found.name === 'worker') && !argv.includes('--help') && !argv.includes('-h');
      if (!stays || code !== EXIT.ok) process.exitCode = code;
      if (!stays) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`async-status-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) {
  // `node dist/cli/main.js <command>` is the CLI, as `npx async-status-emulator <command>` is.
  runCli(process.argv.slice(2));
}
