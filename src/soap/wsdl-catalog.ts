import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_DIR } from '../wsdl-templates';
import { featuresOf, isVersion, VERSIONS, type VersionFeatures } from './versions';

/**
 * The WSDL and XSD templates under wsdl/, served with a version filled in. Files map to URLs as
 * NetSuite lays them out: wsdl/netsuite.wsdl → /wsdl/vV_0/netsuite.wsdl and
 * wsdl/<area>/<name>.xsd → /xsd/<area>/vV_0/<name>.xsd, so relative schemaLocations resolve the
 * same over HTTP and on disk.
 */

const WSDL_TEMPLATE = 'netsuite.wsdl';
const URL_PATTERN = /^\/(?:wsdl\/v(\d{4}_\d)_0\/(netsuite\.wsdl)|xsd\/([a-z]+)\/v(\d{4}_\d)_0\/([A-Za-z]+\.xsd))$/;

export const endpointPath = (version: string) => `/services/NetSuitePort_${version}`;
export const wsdlPath = (version: string) => `/wsdl/v${version}_0/netsuite.wsdl`;

export function render(template: string, version: string, endpoint: string): string {
  const features = featuresOf(version);
  return template
    .replace(/<!--IF(NOT)? (\w+)-->([\s\S]*?)<!--END \2-->/g, (_, negated: string | undefined, feature: string, body: string) => {
      const on = features[feature as keyof VersionFeatures];
      if (on === undefined) throw new Error(`unknown feature ${feature} in a WSDL template`);
      return on !== Boolean(negated) ? body : '';
    })
    .replaceAll('{{V}}', version)
    .replaceAll('{{ENDPOINT}}', endpoint);
}

/** A copy of NetSuite's own WSDL and XSDs for one version, laid out as its URLs are. */
export interface OfficialTree {
  version: string;
  dir: string;
}

/**
 * Checks a NETSUITE_WSDL_DIR: it must hold wsdl/v<V>_0/netsuite.wsdl for exactly one version
 * this server serves, with the XSDs under xsd/ as NetSuite's URLs place them.
 */
export function findOfficialTree(dir: string): OfficialTree {
  const root = path.resolve(dir);
  const wsdlDir = path.join(root, 'wsdl');
  const found = existsSync(wsdlDir)
    ? readdirSync(wsdlDir).filter((name) => /^v\d{4}_\d_0$/.test(name) && existsSync(path.join(wsdlDir, name, WSDL_TEMPLATE)))
    : [];
  if (found.length !== 1) {
    throw new Error(`NETSUITE_WSDL_DIR=${dir} must hold exactly one wsdl/v<version>_0/netsuite.wsdl (with its xsd/ folder beside wsdl/), as NetSuite's URLs lay them out; found ${found.length}.`);
  }
  const version = found[0].slice(1, -2);
  if (!isVersion(version)) throw new Error(`NETSUITE_WSDL_DIR holds version ${version}; this server serves ${VERSIONS[0]} to ${VERSIONS.at(-1)}.`);
  if (!existsSync(path.join(root, 'xsd'))) throw new Error(`NETSUITE_WSDL_DIR=${dir} has no xsd/ folder beside wsdl/.`);
  return { version, dir: root };
}

/** Points a WSDL's soap:address at this server. */
const withAddress = (wsdl: string, endpoint: string) => wsdl.replace(/(<(?:[\w-]+:)?address\s+location=")[^"]*(")/, `$1${endpoint}$2`);

export class WsdlCatalog {
  /** Template text by its path under wsdl/ (e.g. 'platform/core.xsd'). */
  private readonly templates = new Map<string, string>();
  /** Files of the official tree already read, by URL path (misses are not kept). */
  private readonly officialFiles = new Map<string, string>();

  constructor(
    dir: string = TEMPLATE_DIR,
    private readonly official?: OfficialTree,
  ) {
    this.templates.set(WSDL_TEMPLATE, readFileSync(path.join(dir, WSDL_TEMPLATE), 'utf8'));
    for (const area of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      for (const file of readdirSync(path.join(dir, area.name)).filter((name) => name.endsWith('.xsd'))) {
        this.templates.set(`${area.name}/${file}`, readFileSync(path.join(dir, area.name, file), 'utf8'));
      }
    }
  }

  /** The document served at `urlPath`, or undefined when there is none. */
  document(urlPath: string, baseUrl: string): string | undefined {
    const match = URL_PATTERN.exec(urlPath);
    if (!match) return undefined;
    const [, wsdlVersion, , area, xsdVersion, file] = match;
    const version = wsdlVersion ?? xsdVersion;
    if (!isVersion(version)) return undefined;
    if (version === this.official?.version) {
      const document = this.officialFile(urlPath);
      return document !== undefined && wsdlVersion ? withAddress(document, baseUrl + endpointPath(version)) : document;
    }
    const key = wsdlVersion ? WSDL_TEMPLATE : `${area}/${file}`;
    const template = this.templates.get(key);
    return template === undefined ? undefined : render(template, version, baseUrl + endpointPath(version));
  }

  /**
   * The WSDL as the endpoint's `?wsdl` serves it: its schemaLocations, relative to
   * /wsdl/vV_0/, are made absolute, since from /services/ they would climb above the root (which
   * browsers forgive and Java's resolver, behind wsimport, does not).
   */
  wsdl(version: string, baseUrl: string): string {
    return this.document(wsdlPath(version), baseUrl)!.replace(/schemaLocation="\.\.\/\.\.\//g, `schemaLocation="${baseUrl}/`);
  }

  /** The official tree's file at a URL path (the URL pattern allows no way out of the tree). */
  private officialFile(urlPath: string): string | undefined {
    let document = this.officialFiles.get(urlPath);
    if (document === undefined) {
      const file = path.join(this.official!.dir, urlPath);
      if (!existsSync(file)) return undefined;
      document = readFileSync(file, 'utf8');
      this.officialFiles.set(urlPath, document);
    }
    return document;
  }

  /** Writes one version's documents under `root` in their URL layout; returns the WSDL's file path. */
  writeVersion(version: string, root: string, baseUrl = 'http://localhost'): string {
    for (const [key, template] of this.templates) {
      const target =
        key === WSDL_TEMPLATE
          ? path.join(root, 'wsdl', `v${version}_0`, WSDL_TEMPLATE)
          : path.join(root, 'xsd', path.dirname(key), `v${version}_0`, path.basename(key));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, render(template, version, baseUrl + endpointPath(version)));
    }
    return path.join(root, 'wsdl', `v${version}_0`, WSDL_TEMPLATE);
  }
}
