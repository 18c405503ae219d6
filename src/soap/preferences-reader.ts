import { elementKeys, localName, text, type XmlNode } from './xml-read';
import { SoapClientError } from './soap-client-error';

/**
 * The `preferences` header of a write, as platformMsgs:Preferences declares it: five optional
 * xsd:booleans, false when absent. Any other child, or a value that is not an xsd:boolean, is
 * refused as NetSuite's schema validation refuses it.
 */

export const WRITE_PREFERENCES = [
  'warningAsError',
  'disableMandatoryCustomFieldValidation',
  'disableSystemNotesForCustomFields',
  'ignoreReadOnlyFields',
  'runServerSuiteScriptAndTriggerWorkflows',
] as const;
export type WritePreferences = Record<(typeof WRITE_PREFERENCES)[number], boolean>;

export function readPreferences(headers: Map<string, XmlNode>): WritePreferences {
  const header = headers.get('preferences');
  const read = Object.fromEntries(WRITE_PREFERENCES.map((name) => [name, false])) as WritePreferences;
  if (header === undefined || typeof header === 'string') return read;
  const seen = new Set<string>();
  for (const key of elementKeys(header)) {
    const name = localName(key);
    if (!(WRITE_PREFERENCES as readonly string[]).includes(name)) {
      throw new SoapClientError(`preferences has no ${name}; its fields are ${WRITE_PREFERENCES.join(', ')}.`);
    }
    // Twice under one prefix comes as an array; under two prefixes, as two keys.
    const value = header[key];
    if (seen.has(name) || (Array.isArray(value) && value.length > 1)) throw new SoapClientError(`preferences.${name} may appear only once.`);
    seen.add(name);
    const raw = text(Array.isArray(value) ? value[0] : value)?.trim() ?? '';
    if (raw !== 'true' && raw !== '1' && raw !== 'false' && raw !== '0') throw new SoapClientError(`preferences.${name} must be true or false (got "${raw}").`);
    read[name as keyof WritePreferences] = raw === 'true' || raw === '1';
  }
  return read;
}
