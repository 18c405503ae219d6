import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readSchemaDocument, WSDL_NS, XSD_NS, type SchemaElement } from '../records/schema-document';
import { isVersion, namespacesOf, VERSIONS } from '../records/versions';

/**
 * A copy of NetSuite's own WSDL and XSDs for one version (NETSUITE_WSDL_DIR), as NetSuite
 * publishes them: laid out as its URLs are (wsdl/v2023_2_0/netsuite.wsdl, xsd/<area>/v2023_2_0/…)
 * or as it is usually saved (netsuite.wsdl beside xsd/*.xsd), importing by absolute URLs on
 * NetSuite's hosts or by relative paths. Read once at start: every document the WSDL reaches, the
 * URL each is served at here, and its text with every location that names a document of the tree
 * or a NetSuite host pointing at this service instead.
 */

export type TreeLayout = 'NetSuite URL layout' | 'saved folder';

/** A document's text cut at its locations: even parts are text, odd parts URL paths on this service. */
type Parts = readonly string[];

interface TreeDocument {
  file: string;
  root: SchemaElement;
  /** NetSuite URL paths other documents reach it by (`/xsd/platform/v2023_2_0/core.xsd`). */
  claimed: Set<string>;
}

export class OfficialTree {
  constructor(
    readonly version: string,
    readonly dir: string,
    readonly layout: TreeLayout,
    private readonly documents: ReadonlyMap<string, Parts>,
    /** Every XSD the WSDL reaches, read, with its file. */
    readonly schemas: ReadonlyArray<{ file: string; root: SchemaElement }>,
  ) {}

  /** The document served at `urlPath`, its locations on `baseUrl`; undefined for a path the tree lacks. */
  document(urlPath: string, baseUrl: string): string | undefined {
    const parts = this.documents.get(urlPath);
    return parts?.map((part, index) => (index % 2 === 1 ? baseUrl + part : part)).join('');
  }

  /** URL paths served, in no particular order. */
  urlPaths(): string[] {
    return [...this.documents.keys()];
  }
}

const WSDL_FILE = 'netsuite.wsdl';
const PLATFORM_NAMESPACE = /^urn:platform_(\d{4}_\d)\.webservices\.netsuite\.com$/;
/** A record or platform namespace and the URL folder NetSuite serves its schema from. */
const AREA_NAMESPACE = /^urn:[A-Za-z.]+_\d{4}_\d\.([a-z]+)\.webservices\.netsuite\.com$/;
const URL_LAYOUT_XSD = /^xsd\/[a-z]+\/v\d{4}_\d_0\/[^/]+\.xsd$/;
const LOCATION_ATTRIBUTE = /(\s(?:schemaLocation|location)\s*=\s*)(["'])([^"'<>]*)\2/g;

/** An absolute URL on one of NetSuite's hosts (any *.netsuite.com, http or https): its path, else undefined. */
export function netsuitePath(location: string): string | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (host !== 'netsuite.com' && !host.endsWith('.netsuite.com'))) return undefined;
  return url.pathname;
}

const isAbsolute = (location: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(location);

/** A location's path (the location itself by default), %-escapes decoded; a malformed one is named with the document that holds it. */
export function decodedLocation(location: string, document: string, part = location): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`${document} names the location ${location}, whose %-escapes are malformed.`);
  }
}

/** Reads NETSUITE_WSDL_DIR; throws with what is missing or wrong, and what the folder must hold. */
export function readOfficialTree(dir: string): OfficialTree {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`NETSUITE_WSDL_DIR=${dir} is not a folder.`);
  const { wsdlFile, layout } = findWsdl(dir, root);
  const resolver = new LocationResolver(root, layout);
  const wsdl = resolver.read(wsdlFile);
  const version = versionOf(wsdl, wsdlFile, dir, layout);
  const { schemas, targets } = reach(wsdlFile, resolver, dir);
  const namespaces = new Set(schemas.map((schema) => schema.root.attributes.targetNamespace));
  const ns = namespacesOf(version);
  const lacking = [
    [ns.platformCore, 'core.xsd'],
    [ns.platformMsgs, 'messages.xsd'],
  ].filter(([namespace]) => !namespaces.has(namespace));
  if (lacking.length > 0) {
    throw new Error(
      `NETSUITE_WSDL_DIR=${dir} (version ${version}) lacks ${lacking.map(([namespace, file]) => `the schema of ${namespace} (NetSuite's xsd/platform/v${version}_0/${file})`).join(' and ')}: its WSDL reaches no such schema.`,
    );
  }
  const urlOf = urlsOf(wsdlFile, schemas, version, root, dir);
  const texts = new Map<string, Parts>();
  for (const [file, urlPath] of urlOf) {
    texts.set(
      urlPath,
      pointedHere(readFileSync(file, 'utf8'), (location) => {
        const target = targets.get(file)?.get(location) ?? resolver.resolve(file, location);
        return target !== undefined ? urlOf.get(target) : netsuitePath(location);
      }),
    );
  }
  return new OfficialTree(
    version,
    root,
    layout,
    texts,
    schemas.map(({ file, root: schema }) => ({ file, root: schema })),
  );
}

/** The version the WSDL's targetNamespace names: one this server serves, and its folder's in NetSuite's layout. */
function versionOf(wsdl: SchemaElement, wsdlFile: string, dir: string, layout: TreeLayout): string {
  if (!wsdl.is(WSDL_NS, 'definitions')) throw new Error(`${wsdlFile} is not a WSDL 1.1 document (its root is not wsdl:definitions).`);
  const version = PLATFORM_NAMESPACE.exec(wsdl.attributes.targetNamespace ?? '')?.[1];
  if (!version)
    throw new Error(`${wsdlFile} is not NetSuite's WSDL: its targetNamespace is "${wsdl.attributes.targetNamespace ?? ''}", not urn:platform_<version>.webservices.netsuite.com.`);
  if (!isVersion(version)) throw new Error(`NETSUITE_WSDL_DIR=${dir} holds NetSuite's WSDL for version ${version}; this server serves ${VERSIONS[0]} to ${VERSIONS.at(-1)}.`);
  const folderVersion = /[\\/]v(\d{4}_\d)_0[\\/]/.exec(wsdlFile)?.[1];
  if (layout === 'NetSuite URL layout' && folderVersion !== version) {
    throw new Error(`${wsdlFile} is NetSuite's WSDL for ${version}, in the folder of ${folderVersion}: the tree mixes versions.`);
  }
  return version;
}

/**
 * Every XSD the WSDL reaches through imports and includes, and where each document's locations
 * lead (as its imports resolved them, by namespace too); throws naming every one the tree lacks.
 */
function reach(wsdlFile: string, resolver: LocationResolver, dir: string): { schemas: TreeDocument[]; targets: Map<string, Map<string, string>> } {
  const documents = new Map<string, TreeDocument>([[wsdlFile, { file: wsdlFile, root: resolver.read(wsdlFile), claimed: new Set() }]]);
  const targets = new Map<string, Map<string, string>>();
  const missing: string[] = [];
  const queue = [wsdlFile];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const leads = new Map<string, string>();
    targets.set(file, leads);
    for (const reference of referencesOf(documents.get(file)!.root)) {
      const target = resolver.resolve(file, reference.location, reference.namespace);
      if (target === undefined) {
        if (!isAbsolute(reference.location) || netsuitePath(reference.location) !== undefined) missing.push(`${resolver.relative(file)} imports ${reference.location}`);
        continue;
      }
      leads.set(reference.location, target);
      let document = documents.get(target);
      if (!document) {
        document = { file: target, root: resolver.read(target), claimed: new Set() };
        if (document.root.is(WSDL_NS, 'definitions')) {
          throw new Error(`${target}, imported by ${resolver.relative(file)}, is another WSDL: the tree's one WSDL must import XML schemas only, as NetSuite's does.`);
        }
        if (!document.root.is(XSD_NS, 'schema')) throw new Error(`${target}, imported by ${resolver.relative(file)}, is not an XML schema.`);
        documents.set(target, document);
        queue.push(target);
      }
      const claimed = netsuitePath(reference.location);
      if (claimed?.startsWith('/xsd/')) document.claimed.add(claimed);
    }
  }
  if (missing.length > 0) throw new Error(`NETSUITE_WSDL_DIR=${dir} lacks documents its WSDL needs: ${missing.join('; ')}.`);
  return { schemas: [...documents.values()].filter((document) => document.file !== wsdlFile), targets };
}

/** The URL path each file is served at: the NetSuite URL it is imported by, else its place in NetSuite's layout. */
function urlsOf(wsdlFile: string, schemas: TreeDocument[], version: string, root: string, dir: string): Map<string, string> {
  const urlOf = new Map<string, string>([[wsdlFile, `/wsdl/v${version}_0/${WSDL_FILE}`]]);
  const served = new Map<string, string>([[urlOf.get(wsdlFile)!, wsdlFile]]);
  for (const schema of schemas) {
    const relative = path.relative(root, schema.file).split(path.sep).join('/');
    const area = AREA_NAMESPACE.exec(schema.root.attributes.targetNamespace ?? '')?.[1];
    const urlPath = [...schema.claimed].sort()[0] ?? (URL_LAYOUT_XSD.test(relative) ? `/${relative}` : `/xsd/${area ? `${area}/` : ''}v${version}_0/${path.basename(schema.file)}`);
    const other = served.get(urlPath);
    if (other) throw new Error(`NETSUITE_WSDL_DIR=${dir}: ${path.relative(root, other)} and ${relative} would both be served at ${urlPath}.`);
    served.set(urlPath, schema.file);
    urlOf.set(schema.file, urlPath);
  }
  return urlOf;
}

/** A document cut at each location `pointed` gives a URL path here for; the rest of its text as written. */
function pointedHere(text: string, pointed: (location: string) => string | undefined): Parts {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(LOCATION_ATTRIBUTE)) {
    const [whole, head, quote, location] = match;
    const urlPath = pointed(location);
    if (urlPath === undefined) continue;
    parts.push(text.slice(last, match.index + head.length + quote.length), urlPath);
    last = match.index + whole.length - quote.length;
  }
  parts.push(text.slice(last));
  return parts;
}

function findWsdl(dir: string, root: string): { wsdlFile: string; layout: TreeLayout } {
  const wsdlDir = path.join(root, 'wsdl');
  const versions = existsSync(wsdlDir) ? readdirSync(wsdlDir).filter((name) => /^v\d{4}_\d_0$/.test(name) && existsSync(path.join(wsdlDir, name, WSDL_FILE))) : [];
  if (versions.length > 1) throw new Error(`NETSUITE_WSDL_DIR=${dir} holds the WSDL of several versions (${versions.join(', ')}): give it one version's tree.`);
  if (versions.length === 1) return { wsdlFile: path.join(wsdlDir, versions[0], WSDL_FILE), layout: 'NetSuite URL layout' };
  if (existsSync(path.join(root, WSDL_FILE))) return { wsdlFile: path.join(root, WSDL_FILE), layout: 'saved folder' };
  // Saved under another name (NetSuitePort_2023_2.wsdl): the one WSDL of the folder.
  const saved = readdirSync(root).filter((name) => name.endsWith('.wsdl'));
  if (saved.length === 1) return { wsdlFile: path.join(root, saved[0]), layout: 'saved folder' };
  throw new Error(
    `NETSUITE_WSDL_DIR=${dir} holds no ${WSDL_FILE}: give it NetSuite's files for one version, laid out as NetSuite's URLs are ` +
      `(wsdl/v<version>_0/${WSDL_FILE} and xsd/<area>/v<version>_0/*.xsd; \`async-status-emulator wsdl fetch <version>\` writes that) ` +
      `or as usually saved (${WSDL_FILE} beside an xsd/ folder).`,
  );
}

/** The imports, includes and WSDL imports of a document, with the namespace an import names. */
export function referencesOf(root: SchemaElement): Array<{ location: string; namespace?: string }> {
  const found: Array<{ location: string; namespace?: string }> = [];
  for (const element of root.descendants()) {
    if (element.is(XSD_NS) && ['import', 'include', 'redefine'].includes(element.local) && element.attributes.schemaLocation) {
      found.push({ location: element.attributes.schemaLocation, namespace: element.attributes.namespace });
    } else if (element.is(WSDL_NS, 'import') && element.attributes.location) {
      found.push({ location: element.attributes.location, namespace: element.attributes.namespace });
    }
  }
  return found;
}

/** Finds the file of the tree a location names, relative to the document that names it. */
class LocationResolver {
  private xsdFiles?: string[];
  private readonly documents = new Map<string, SchemaElement>();

  constructor(
    private readonly root: string,
    private readonly layout: TreeLayout,
  ) {}

  /** A file's path in the tree, for messages. */
  relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }

  /** A file of the tree, read once. */
  read(file: string): SchemaElement {
    let document = this.documents.get(file);
    if (!document) {
      document = readSchemaDocument(readFileSync(file, 'utf8'), file);
      this.documents.set(file, document);
    }
    return document;
  }

  resolve(from: string, location: string, namespace?: string): string | undefined {
    const netsuite = netsuitePath(location);
    if (netsuite === undefined) {
      if (isAbsolute(location) || location === '') return undefined;
      const file = path.resolve(path.dirname(from), decodedLocation(location, this.relative(from), location.split(/[?#]/)[0]));
      return this.inTree(file) ? file : undefined;
    }
    const inPlace = path.join(this.root, decodedLocation(location, this.relative(from), netsuite));
    if (this.inTree(inPlace)) return inPlace;
    if (this.layout === 'NetSuite URL layout') return undefined;
    // A saved folder keeps NetSuite's file names, not its folders: the file of that name, and of that namespace when several share it.
    const candidates = this.xsds().filter((file) => path.basename(file) === path.posix.basename(netsuite));
    if (candidates.length <= 1 || namespace === undefined) return candidates[0];
    return candidates.find((file) => this.targetNamespace(file) === namespace);
  }

  private inTree(file: string): boolean {
    return (file === this.root || file.startsWith(this.root + path.sep)) && existsSync(file) && statSync(file).isFile();
  }

  private xsds(): string[] {
    if (!this.xsdFiles) {
      const found: string[] = [];
      const visit = (folder: string) => {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const full = path.join(folder, entry.name);
          if (entry.isDirectory()) visit(full);
          else if (entry.name.endsWith('.xsd')) found.push(full);
        }
      };
      visit(this.root);
      this.xsdFiles = found.sort();
    }
    return this.xsdFiles;
  }

  private targetNamespace(file: string): string | undefined {
    return this.read(file).attributes.targetNamespace;
  }
}
