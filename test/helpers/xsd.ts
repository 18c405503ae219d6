import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { namespacesOf } from '../../src/records/versions';
import { WsdlCatalog } from '../../src/soap/wsdl-catalog';

/**
 * Validates a whole SOAP answer against the project's own XSDs (as served for that version) with
 * xmllint --schema: the xmllint program when it is installed (CI installs libxml2-utils), else the
 * same libxml2 compiled to WebAssembly, so `npm test` needs nothing but Node.
 */

const catalog = new WsdlCatalog();
const roots = new Map<string, string>();
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
export const validator = hasXmllint ? 'xmllint' : 'xmllint-wasm';

const CACHE = path.join(os.tmpdir(), 'ase-xsd-cache');

/**
 * Schemas written by `write` into a folder named by their contents, kept between runs: every test
 * process finds the same folder instead of leaving one more behind.
 */
function cachedSchemaDir(version: string, write: (dir: string) => void): string {
  mkdirSync(CACHE, { recursive: true });
  const staging = mkdtempSync(path.join(CACHE, `.staging-${version}-`));
  write(staging);
  const hash = createHash('sha256');
  for (const file of filesUnder(staging)) hash.update(file.fileName).update(file.contents);
  const dir = path.join(CACHE, `${version}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(dir)) rmSync(staging, { recursive: true, force: true });
  else {
    try {
      renameSync(staging, dir);
    } catch {
      // Another test process put the same schemas there first.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return dir;
}

/** Validates answers of `version` against another schema tree (laid out as the URLs are) from now on. */
export function useSchemaTree(version: string, tree: string): void {
  const dir = cachedSchemaDir(version, (into) => {
    for (const file of filesUnder(tree)) {
      mkdirSync(path.dirname(path.join(into, file.fileName)), { recursive: true });
      writeFileSync(path.join(into, file.fileName), file.contents);
    }
    withRootSchema(version, into);
  });
  roots.set(version, dir);
}

function schemaRoot(version: string): string {
  let dir = roots.get(version);
  if (dir) return dir;
  dir = cachedSchemaDir(version, (into) => {
    catalog.writeVersion(version, into);
    withRootSchema(version, into);
  });
  roots.set(version, dir);
  return dir;
}

/** Adds the SOAP envelope schema and a root schema importing every namespace answers use. */
function withRootSchema(version: string, dir: string): string {
  copyFileSync(path.join(__dirname, 'soap-envelope.xsd'), path.join(dir, 'soap-envelope.xsd'));
  const ns = namespacesOf(version);
  const p = `v${version}_0`;
  const imports: Array<[string, string]> = [
    ['http://schemas.xmlsoap.org/soap/envelope/', 'soap-envelope.xsd'],
    [ns.platformMsgs, `xsd/platform/${p}/messages.xsd`],
    [ns.platformCore, `xsd/platform/${p}/core.xsd`],
    [ns.platformFaults, `xsd/platform/${p}/faults.xsd`],
    [ns.platformCommon, `xsd/platform/${p}/common.xsd`],
    [ns.listRel, `xsd/lists/${p}/relationships.xsd`],
    [`urn:employees_${version}.lists.webservices.netsuite.com`, `xsd/lists/${p}/employees.xsd`],
    [`urn:accounting_${version}.lists.webservices.netsuite.com`, `xsd/lists/${p}/accounting.xsd`],
    [ns.tranSales, `xsd/transactions/${p}/sales.xsd`],
    [`urn:purchases_${version}.transactions.webservices.netsuite.com`, `xsd/transactions/${p}/purchases.xsd`],
  ];
  writeFileSync(
    path.join(dir, 'all.xsd'),
    `<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:validation-root">` +
      imports.map(([namespace, location]) => `<xsd:import namespace="${namespace}" schemaLocation="${location}"/>`).join('') +
      `</xsd:schema>`,
  );
  return dir;
}

function filesUnder(dir: string, base = dir): Array<{ fileName: string; contents: string }> {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, base);
    return [{ fileName: path.relative(base, full), contents: readFileSync(full, 'utf8') }];
  });
}

/** Each tree's schema files by target namespace, for roots that import only what an answer uses. */
const filesByNamespace = new Map<string, Map<string, string>>();

function schemaFiles(dir: string): Map<string, string> {
  let files = filesByNamespace.get(dir);
  if (!files) {
    files = new Map();
    for (const file of filesUnder(dir)) {
      if (!file.fileName.endsWith('.xsd') || !file.fileName.includes(path.sep)) continue;
      const target = /<(?:\w+:)?schema\b[^>]*\btargetNamespace="([^"]+)"/.exec(file.contents)?.[1];
      if (target && !files.has(target)) files.set(target, file.fileName);
    }
    files.set('http://schemas.xmlsoap.org/soap/envelope/', 'soap-envelope.xsd');
    filesByNamespace.set(dir, files);
  }
  return files;
}

/**
 * A root schema importing the namespaces `xml` declares, and only those: NetSuite's record and
 * search types are long sequences of optional elements that libxml2 is slow to compile (about 2 s
 * for all of them), and most answers (statuses, faults, write lists) use none of them. An answer
 * naming a type of a namespace it does not declare fails as it would against every schema.
 */
function rootFor(dir: string, xml: string): string {
  const files = schemaFiles(dir);
  const used = new Set<string>();
  for (const match of xml.matchAll(/\bxmlns(?::[\w.-]+)?="([^"]*)"/g)) {
    const file = files.get(match[1]);
    if (file) used.add(file);
  }
  const imports = [...files].filter(([, file]) => used.has(file)).sort(([, a], [, b]) => a.localeCompare(b));
  const name = `root-${createHash('sha256')
    .update(imports.map(([, file]) => file).join('\n'))
    .digest('hex')
    .slice(0, 16)}.xsd`;
  const root = path.join(dir, name);
  if (!existsSync(root)) {
    const staging = `${root}.${process.pid}.tmp`;
    writeFileSync(
      staging,
      `<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:validation-root">` +
        imports.map(([namespace, location]) => `<xsd:import namespace="${namespace}" schemaLocation="${location.split(path.sep).join('/')}"/>`).join('') +
        `</xsd:schema>`,
    );
    renameSync(staging, root);
  }
  return name;
}

/** Resolves when `xml` is valid; rejects with xmllint's messages otherwise. */
export async function validateSoapAnswer(xml: string, version: string): Promise<void> {
  const dir = schemaRoot(version);
  const [problem] = await invalidAnswers(dir, rootFor(dir, xml), [xml]);
  if (problem !== undefined) throw new Error(`xmllint --schema${hasXmllint ? '' : ' (wasm)'} rejected the answer:\n${problem}\n${xml}`);
}

/** An answer waiting for validateQueuedAnswers, with the test (or hook) that received it. */
interface QueuedAnswer {
  xml: string;
  /** The schemas its version had when it was read (useSchemaTree may change them later). */
  dir: string;
  from: string;
}
const queued: QueuedAnswer[] = [];
let queuedLength = 0;
/** Queued text past which the queue is validated at once, so a file of large answers holds little. */
const QUEUE_FLUSH_LENGTH = 32 * 1024 * 1024;

/**
 * Keeps an answer for validateQueuedAnswers: libxml2 compiles the schemas an answer needs (up to
 * 2 s for the record types) once per xmllint run, so answers that need the same schemas are
 * validated together.
 */
export async function queueSoapAnswer(xml: string, version: string): Promise<void> {
  // Once the queue has been validated at the file's end, an answer read later (in the file's own afterAll) is validated at once.
  if (drained) return validateSoapAnswer(xml, version);
  queued.push({ xml, dir: schemaRoot(version), from: reader });
  queuedLength += xml.length;
  if (queuedLength > QUEUE_FLUSH_LENGTH) await validateQueuedAnswers();
}

/** What is reading answers now (a test's name, or a hook), named when one of them is invalid. */
let reader = 'a hook outside any test';
let drained = false;

export function answersReadBy(name: string): void {
  reader = name;
}

/** Answers given to one xmllint run (its command line names each file). */
const ANSWERS_PER_RUN = 500;

/** Validates what is queued when the file's tests end; an answer read after that is validated at once. */
export async function validateAnswersAtFileEnd(): Promise<void> {
  drained = true;
  await validateQueuedAnswers();
}

/** Validates every queued answer; rejects naming each invalid one and the test that received it. */
export async function validateQueuedAnswers(): Promise<void> {
  const batches = new Map<string, { dir: string; rootName: string; answers: QueuedAnswer[] }>();
  queuedLength = 0;
  for (const answer of queued.splice(0)) {
    const { dir } = answer;
    const rootName = rootFor(dir, answer.xml);
    const key = path.join(dir, rootName);
    const batch = batches.get(key) ?? { dir, rootName, answers: [] };
    batch.answers.push(answer);
    batches.set(key, batch);
  }
  const rejected: string[] = [];
  for (const { dir, rootName, answers } of batches.values()) {
    for (let from = 0; from < answers.length; from += ANSWERS_PER_RUN) {
      const some = answers.slice(from, from + ANSWERS_PER_RUN);
      const problems = await invalidAnswers(
        dir,
        rootName,
        some.map((answer) => answer.xml),
      );
      problems.forEach((problem, i) => {
        if (problem !== undefined) rejected.push(`an answer read by “${some[i].from}”:\n${problem}\n${some[i].xml}`);
      });
    }
  }
  if (rejected.length > 0) throw new Error(`xmllint --schema${hasXmllint ? '' : ' (wasm)'} rejected ${rejected.length} answer(s):\n\n${rejected.join('\n\n')}`);
}

/**
 * Validates `answers` against the root schema `rootName` in one xmllint run; for each answer,
 * xmllint's messages if it is invalid, else undefined. xmllint reports each file as "<file>
 * validates" or not, and prefixes each message with the file's name.
 */
async function invalidAnswers(dir: string, rootName: string, answers: string[]): Promise<Array<string | undefined>> {
  const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const names = answers.map((_, i) => `answer-${stamp}-${i}.xml`);
  const output = hasXmllint ? await nativeXmllint(dir, rootName, names, answers) : await wasmXmllint(dir, rootName, names, answers);
  const lines = output.split('\n');
  const problems = names.map((name) => (lines.includes(`${name} validates`) ? undefined : lines.filter((line) => line.startsWith(name)).join('\n') || output));
  return problems;
}

/** xmllint's report on `answers`, written as `names` into `dir` for the run. */
async function nativeXmllint(dir: string, rootName: string, names: string[], answers: string[]): Promise<string> {
  names.forEach((name, i) => writeFileSync(path.join(dir, name), answers[i]));
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile('xmllint', ['--noout', '--nonet', '--schema', rootName, ...names], { cwd: dir, maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) => {
        // A non-zero exit is an invalid answer, read from the report; no report at all is a failure to run.
        if (error && !stderr) reject(error);
        else resolve(stderr);
      });
    });
  } finally {
    for (const name of names) rmSync(path.join(dir, name), { force: true });
  }
}

async function wasmXmllint(dir: string, rootName: string, names: string[], answers: string[]): Promise<string> {
  const preload = filesUnder(dir).filter((file) => (file.fileName.endsWith('.xsd') && file.fileName.includes(path.sep)) || file.fileName === 'soap-envelope.xsd');
  const result = await validateXML({
    xml: names.map((fileName, i) => ({ fileName, contents: answers[i] })),
    schema: [{ fileName: rootName, contents: readFileSync(path.join(dir, rootName), 'utf8') }],
    preload,
  });
  return result.rawOutput;
}
