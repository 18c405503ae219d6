import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { featuresOf, isVersion, type VersionFeatures } from './versions';

/**
 * The WSDL and XSD templates under wsdl/, served with a version filled in. Files map to URLs as
 * NetSuite lays them out: wsdl/netsuite.wsdl → /wsdl/vV_0/netsuite.wsdl and
 * wsdl/<area>/<name>.xsd → /xsd/<area>/vV_0/<name>.xsd, so relative schemaLocations resolve the
 * same over HTTP and on disk.
 */

export const TEMPLATE_DIR = path.resolve(__dirname, '../../wsdl');
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

export class WsdlCatalog {
  /** Template text by its path under wsdl/ (e.g. 'platform/core.xsd'). */
  private readonly templates = new Map<string, string>();

  constructor(dir: string = TEMPLATE_DIR) {
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
    const key = wsdlVersion ? WSDL_TEMPLATE : `${area}/${file}`;
    const template = this.templates.get(key);
    return template === undefined ? undefined : render(template, version, baseUrl + endpointPath(version));
  }

  wsdl(version: string, baseUrl: string): string {
    return render(this.templates.get(WSDL_TEMPLATE)!, version, baseUrl + endpointPath(version));
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
