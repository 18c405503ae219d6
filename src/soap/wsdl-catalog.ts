import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_DIR } from '../records/wsdl-templates';
import type { OfficialTree } from './official-tree';
import { featuresOf, isVersion, type VersionFeatures } from '../records/versions';

/**
 * The WSDL and XSD templates under wsdl/, served with a version filled in. Files map to URLs as
 * NetSuite lays them out: wsdl/netsuite.wsdl → /wsdl/vV_0/netsuite.wsdl and
 * wsdl/<area>/<name>.xsd → /xsd/<area>/vV_0/<name>.xsd, so relative schemaLocations resolve the
 * same over HTTP and on disk. The version NETSUITE_WSDL_DIR gives NetSuite's own files for is
 * served from them instead (official-tree.ts).
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

/** Points a WSDL's soap:address at this server. */
const withAddress = (wsdl: string, endpoint: string) => wsdl.replace(/(<(?:[\w-]+:)?address\s+location\s*=\s*["'])[^"']*(["'])/, `$1${endpoint}$2`);

export class WsdlCatalog {
  /** Template text by its path under wsdl/ (e.g. 'platform/core.xsd'). */
  private readonly templates = new Map<string, string>();

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
    if (this.official) {
      const { version } = this.official;
      const document = this.official.document(urlPath, baseUrl);
      if (document !== undefined) return urlPath === wsdlPath(version) ? withAddress(document, baseUrl + endpointPath(version)) : document;
      // The official version's other paths are not this project's files either.
      if (urlPath.includes(`/v${version}_0/`)) return undefined;
    }
    const match = URL_PATTERN.exec(urlPath);
    if (!match) return undefined;
    const [, wsdlVersion, , area, xsdVersion, file] = match;
    const version = wsdlVersion ?? xsdVersion;
    if (!isVersion(version)) return undefined;
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

  /** Writes one version's documents under `root` in their URL layout; returns the WSDL's file path. */
  writeVersion(version: string, root: string, baseUrl = 'http://localhost'): string {
    for (const [key, template] of this.templates) {
      const target =
        key === WSDL_TEMPLATE ? path.join(root, 'wsdl', `v${version}_0`, WSDL_TEMPLATE) : path.join(root, 'xsd', path.dirname(key), `v${version}_0`, path.basename(key));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, render(template, version, baseUrl + endpointPath(version)));
    }
    return path.join(root, 'wsdl', `v${version}_0`, WSDL_TEMPLATE);
  }
}
