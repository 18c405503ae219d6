/**
 * The CLI's way to a running service: its admin API over HTTP, with the admin token. Every
 * failure becomes a CliError whose message says what to do and whose code is the exit status.
 */

export const EXIT = {
  ok: 0,
  /** The job ended failed or with errors (`jobs watch`), or the server refused the request. */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** The service could not be reached, or refused the admin token. */
  unreachable: 3,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Target {
  url: string;
  token: string | undefined;
}

/** Where the CLI talks to: --url, else EMULATOR_URL, else this machine's PORT (default 8080). */
export function targetOf(flags: { url?: string; token?: string }, env: NodeJS.ProcessEnv): Target {
  const url = (flags.url ?? env.EMULATOR_URL ?? `http://127.0.0.1:${env.PORT || 8080}`).replace(/\/+$/, '');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new CliError(`--url must be an http:// or https:// URL (got "${url}")`, EXIT.usage);
  }
  return { url, token: flags.token ?? env.ADMIN_TOKEN };
}

export class AdminClient {
  constructor(private readonly target: Target) {}

  get url(): string {
    return this.target.url;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.target.token) {
      throw new CliError('No admin token: pass --token <token> or set ADMIN_TOKEN (the service prints its token at startup).', EXIT.usage);
    }
    let response: Response;
    try {
      response = await fetch(`${this.target.url}/admin${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.target.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`Cannot reach the service at ${this.target.url} (${reason}): start it with \`async-status-emulator serve\`, or pass --url.`, EXIT.unreachable);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(`${method} ${path} answered ${response.status} with something other than JSON: is ${this.target.url} this emulator?`, EXIT.unreachable);
    }
    if (response.status === 401) {
      throw new CliError(`The service refused the admin token: pass the one it printed at startup (--token or ADMIN_TOKEN).`, EXIT.unreachable);
    }
    if (!response.ok) {
      const error = (parsed as { error?: string } | undefined)?.error ?? `HTTP ${response.status}`;
      throw new CliError(error, EXIT.failed);
    }
    return parsed as T;
  }
}
