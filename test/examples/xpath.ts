import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * XPath 1.0 over a document with libxml2's engine, through lxml under Debian's Python
 * (xpath_eval.py). Each query gives the type of its result, which a SoapUI Conditional Goto needs
 * to be a boolean, and string(…) of it, the value an XPath Match compares: a node-set's first
 * node's text, a number or a boolean as text. SoapUI's `declare namespace p='uri';` prolog
 * becomes the namespace map.
 */

export type XPathType = 'boolean' | 'number' | 'string' | 'node-set';

export interface XPathResult {
  type: XPathType;
  /** Nodes selected, for a node-set. */
  count: number;
  /** string(expression). */
  value: string;
}

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'xpath_eval.py');
export const XPATH_PROGRAM = { command: PYTHON, args: ['-c', 'import lxml.etree'] };
export const XPATH_MISSING = `${PYTHON} cannot import lxml, which the SoapUI replay evaluates XPath with: apt-get install python3-lxml`;

const PROLOG = /^\s*declare\s+namespace\s+([\w.-]+)\s*=\s*(['"])(.*?)\2\s*;/;

/** Splits SoapUI's namespace prolog off an XPath: the declarations and the bare expression. */
export function splitProlog(soapUiPath: string): { namespaces: Record<string, string>; expression: string } {
  const namespaces: Record<string, string> = {};
  let rest = soapUiPath;
  for (let match = PROLOG.exec(rest); match; match = PROLOG.exec(rest)) {
    namespaces[match[1]] = match[3];
    rest = rest.slice(match[0].length);
  }
  return { namespaces, expression: rest.trim() };
}

/** Evaluates SoapUI-style XPaths (with their prologs) against one XML document. */
export function evaluateXPaths(xml: string, soapUiPaths: string[]): XPathResult[] {
  const input = JSON.stringify({ xml, queries: soapUiPaths.map(splitProlog) });
  const run = spawnSync(PYTHON, [SCRIPT], { input, encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) throw new Error(`${XPATH_MISSING}\n(${run.error?.message ?? run.stderr.trim()})`);
  const answer = JSON.parse(run.stdout) as { results?: XPathResult[]; error?: string };
  if (answer.error !== undefined) throw new Error(answer.error);
  return answer.results ?? [];
}
