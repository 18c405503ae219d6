import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RecordCatalog } from '../records/record-catalog';
import { readSchemaDocument } from '../records/schema-document';
import { SchemaSet } from '../records/schema-set';
import { netsuitePath, readOfficialTree, referencesOf } from '../soap/official-tree';
import { VERSIONS } from '../records/versions';
import { CliError, EXIT } from './admin-client';

/**
 * `wsdl fetch`: downloads NetSuite's WSDL for a version and every XSD it reaches, into a folder
 * laid out as NetSuite's URLs are (wsdl/vV_0/netsuite.wsdl, xsd/<area>/vV_0/<name>.xsd), which
 * NETSUITE_WSDL_DIR takes as it is. Files are kept as downloaded; the service rewrites their
 * locations when it serves them. Bounded: only the --from host is asked (locations on NetSuite's
 * hosts are mapped to it), each request has a timeout, and the files and bytes are capped.
 */

export const NETSUITE_HOST = 'https://webservices.netsuite.com';

export interface FetchLimits {
  /** Per request, headers and body. */
  timeoutMs: number;
  maxFiles: number;
  maxBytes: number;
}

/** NetSuite publishes about 60 files, 15 MB, per version. */
export const DEFAULT_LIMITS: FetchLimits = { timeoutMs: 60_000, maxFiles: 500, maxBytes: 200 * 1024 * 1024 };

export interface FetchRequest {
  version: string;
  from: string;
  to: string;
  /** One line per file fetched, and what is checked at the end. */
  progress(line: string): void;
  limits?: FetchLimits;
}

export interface FetchedTree {
  dir: string;
  files: number;
  bytes: number;
  recordTypes: number;
  searchTypes: number;
}

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
/** What a file of the tree may be called: NetSuite's names, nothing that climbs or hides. */
const SAFE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:wsdl|xsd)$/;

export async function fetchWsdlTree(request: FetchRequest): Promise<FetchedTree> {
  const { version, progress } = request;
  const limits = request.limits ?? DEFAULT_LIMITS;
  if (!VERSIONS.includes(version)) throw new CliError(`Unknown version "${version}": this service serves ${VERSIONS.join(', ')}.`, EXIT.usage);
  const from = baseOf(request.from);
  const dir = path.resolve(request.to);
  checkTarget(dir, request.to);

  const start = new URL(`${from.href}wsdl/v${version}_0/netsuite.wsdl`);
  const files = new Map<string, Buffer>();
  const queued = new Set([start.href]);
  const queue = [start];
  let bytes = 0;
  for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
    const relative = decodedPath(url, from, `${url.href} has malformed %-escapes; nothing is fetched from it.`);
    if (files.size >= limits.maxFiles)
      throw new CliError(`More than ${limits.maxFiles} files reached from ${start.href}; stopped (NetSuite publishes about 60 per version).`, EXIT.failed);
    const body = await download(url, from, limits, limits.maxBytes - bytes);
    bytes += body.length;
    files.set(relative, body);
    progress(`fetched ${relative} (${size(body.length)})`);

    let root;
    try {
      root = readSchemaDocument(body.toString('utf8'), url.href);
    } catch (error) {
      throw new CliError(`${url.href} is not an XML document: ${(error as Error).message}`, EXIT.failed);
    }
    for (const { location } of referencesOf(root)) {
      const next = followed(location, url, from);
      if (!queued.has(next.href)) {
        queued.add(next.href);
        queue.push(next);
      }
    }
  }

  // Written whole or not at all: into a folder beside the target, then moved into place.
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [relative, body] of files) {
      const file = path.join(staging, ...relative.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, body);
    }
    writeFileSync(path.join(staging, MARKER), `${JSON.stringify({ version, from: from.href, files: files.size })}\n`);
    const tree = readOfficialTree(staging);
    const catalog = new RecordCatalog(SchemaSet.fromDocuments(tree.schemas), start.href);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.dirname(dir), { recursive: true });
    renameSync(staging, dir);
    return { dir, files: files.size, bytes, recordTypes: catalog.recordTypes().length, searchTypes: catalog.searchTypes().length };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (error instanceof CliError) throw error;
    throw new CliError(`The files fetched from ${start.href} are not a tree the service takes: ${(error as Error).message.replaceAll(staging, dir)}`, EXIT.failed);
  }
}

/** Written into every tree this command fetches: what proves a folder is one it may replace. */
export const MARKER = 'wsdl-fetch.json';

/**
 * --to must be a new or empty folder, or a tree fetched before (its marker beside wsdl/ and xsd/,
 * or, fetched before there was a marker, wsdl/ and xsd/ that the service reads as a tree): only such
 * a tree is replaced, so a folder of anything else is never deleted.
 */
function checkTarget(dir: string, given: string): void {
  let existing = dir;
  while (!existsSync(existing)) existing = path.dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new CliError(`--to ${given}: ${existing === dir ? 'is a file' : `${existing} is a file`}, not a folder; give a new or empty folder.`, EXIT.usage);
  }
  if (existing !== dir) return;
  const held = readdirSync(dir);
  if (held.length === 0) return;
  const refused = `--to ${given} holds files that are not a tree fetched by wsdl fetch`;
  if (held.some((name) => name !== 'wsdl' && name !== 'xsd' && name !== MARKER))
    throw new CliError(`${refused} (only wsdl/, xsd/ and ${MARKER}): give a new or empty folder.`, EXIT.usage);
  if (held.includes(MARKER)) {
    try {
      JSON.parse(readFileSync(path.join(dir, MARKER), 'utf8'));
      return;
    } catch {
      throw new CliError(`${refused}: its ${MARKER} is not the one wsdl fetch writes. Give a new or empty folder.`, EXIT.usage);
    }
  }
  try {
    readOfficialTree(dir);
  } catch (error) {
    throw new CliError(`${refused} (it has no ${MARKER}, and is not a tree the service reads: ${(error as Error).message}). Give a new or empty folder.`, EXIT.usage);
  }
}

/** A URL's path under --from, %-escapes decoded; a malformed one is refused with `refusal`. */
function decodedPath(url: URL, from: URL, refusal: string): string {
  try {
    return decodeURIComponent(url.pathname.slice(from.pathname.length));
  } catch {
    throw new CliError(refusal, EXIT.failed);
  }
}

/** --from as a base URL ending in '/'. */
function baseOf(from: string): URL {
  let base: URL;
  try {
    base = new URL(from);
  } catch {
    throw new CliError(`--from must be an http:// or https:// URL (got "${from}")`, EXIT.usage);
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.search || base.hash || base.username || base.password) {
    throw new CliError(`--from must be an http:// or https:// URL without query or credentials (got "${from}")`, EXIT.usage);
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/** Where a location leads: NetSuite's hosts are read as --from; anything else must lie under --from. */
function followed(location: string, document: URL, from: URL): URL {
  const onNetsuite = netsuitePath(location);
  const next = onNetsuite !== undefined ? new URL(onNetsuite.replace(/^\/+/, ''), from) : new URL(location, document);
  next.hash = '';
  const relative = decodedPath(next, from, `${document.href} imports ${location}, whose %-escapes are malformed; nothing is fetched from it.`);
  if (next.origin !== from.origin || !next.pathname.startsWith(from.pathname) || next.search || !SAFE_PATH.test(relative) || relative.split('/').includes('..')) {
    throw new CliError(`${document.href} imports ${location}, which is not a .wsdl or .xsd under ${from.href} or on NetSuite's hosts; nothing else is fetched.`, EXIT.failed);
  }
  return next;
}

const MAX_REDIRECTS = 5;

/** GET with a timeout, reading at most `budget` bytes; redirects are followed on the --from host (and among NetSuite's hosts when it is one). */
async function download(target: URL, from: URL, limits: FetchLimits, budget: number): Promise<Buffer> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const fromNetsuite = netsuitePath(from.href) !== undefined;
  let response: Response;
  // Where the answer came from, after redirects: what an HTTP error names.
  let at = target;
  for (let redirects = 0; ; redirects++) {
    try {
      response = await fetch(at, { signal, redirect: 'manual', headers: { Accept: 'text/xml, application/xml, */*' } });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = signal.aborted ? `no answer within ${limits.timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new CliError(`Cannot fetch ${at.href} (${reason}): check --from and the network.`, EXIT.unreachable);
    }
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (location === null) break;
    await response.body?.cancel();
    const next = new URL(location, at);
    const allowed = next.origin === from.origin || (fromNetsuite && next.protocol === 'https:' && netsuitePath(next.href) !== undefined);
    if (!allowed || redirects === MAX_REDIRECTS) {
      throw new CliError(
        `GET ${at.href} redirects to ${next.href}; only ${MAX_REDIRECTS} redirects on ${from.origin}${fromNetsuite ? " or NetSuite's hosts" : ''} are followed.`,
        EXIT.unreachable,
      );
    }
    at = next;
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const redirected = at.href === target.href ? '' : ` (redirected from ${target.href})`;
    throw new CliError(`GET ${at.href}${redirected} answered HTTP ${response.status}${response.status === 404 ? ': is the version published there?' : ''}`, EXIT.unreachable);
  }
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body) {
      length += chunk.length;
      if (length > budget) {
        await response.body.cancel().catch(() => undefined);
        throw new CliError(
          `The files reached from ${target.origin} pass ${size(limits.maxBytes)} at ${at.href}; stopped (NetSuite publishes about 15 MB per version).`,
          EXIT.failed,
        );
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = signal.aborted ? `no answer within ${limits.timeoutMs / 1000} s` : (error as Error).message;
    throw new CliError(`Cannot fetch ${at.href} (${reason}): check --from and the network.`, EXIT.unreachable);
  }
  return Buffer.concat(chunks);
}
