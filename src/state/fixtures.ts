import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../lib/errors';
import { fieldPath } from '../lib/field-path';
import { accountIdSchema, seedSchema } from '../accounts/seed';
import { checkJsonBody } from '../lib/json-body';
import { scenarioRecordSchema, scenarioSchema } from './scenario-input';
import { savedSearchSchema } from './saved-search-input';

/**
 * A fixtures file (FIXTURES_FILE, SEED_FILE, POST /admin/fixtures), JSON or YAML: accounts in the
 * seed file's format, records to put in the record store, scripted jobs in POST /admin/jobs's
 * format, and saved searches in POST /admin/saved-searches's. Checked whole before anything is applied; a mistake names its field.
 */

/** Most records one fixtures document puts in, over all its groups. */
export const MAX_FIXTURE_RECORDS = 100_000;
/** Nesting no fixtures document needs more of (the account seed is the deepest part). */
const MAX_DEPTH = 32;

const recordGroupSchema = z
  .object({
    account: accountIdSchema.optional(),
    recordType: z.string().min(1),
    items: z.array(
      scenarioRecordSchema
        .extend({
          internalId: z
            .string()
            .regex(/^[1-9]\d{0,17}$/, 'must be a whole number from 1, in digits')
            .optional(),
        })
        .strict(),
    ),
  })
  .strict();

export const fixturesSchema = z
  .object({
    accounts: seedSchema.shape.accounts.default([]),
    records: z.array(recordGroupSchema).default([]),
    jobs: z.array(scenarioSchema).default([]),
    savedSearches: z.array(savedSearchSchema).default([]),
  })
  .strict();

export type Fixtures = z.infer<typeof fixturesSchema>;

export type FixturesFormat = 'json' | 'yaml';

/** Checks a parsed document; `where` prefixes the message (a file's setting and name). */
export function toFixtures(raw: unknown, where?: string): Fixtures {
  checkJsonBody(raw, MAX_DEPTH, 'no fixtures document needs more');
  const result = fixturesSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = fieldPath(issue.path) || 'fixtures';
    throw new ValidationError(field, `${where ? `${where}: ` : ''}${field}: ${issue.message}`);
  }
  const records = result.data.records.reduce((sum, group) => sum + group.items.length, 0);
  if (records > MAX_FIXTURE_RECORDS)
    throw new ValidationError('records', `${where ? `${where}: ` : ''}records: at most ${MAX_FIXTURE_RECORDS} records in one document (got ${records})`);
  return result.data;
}

/** Parses JSON or YAML text (YAML's anchors count against a small limit, so no billion laughs). */
export function parseFixtures(text: string, format: FixturesFormat, where?: string): Fixtures {
  let raw: unknown;
  try {
    raw = format === 'yaml' ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (error) {
    const what = format === 'yaml' ? 'YAML' : 'JSON';
    throw new ValidationError('body', `${where ? `${where}: ` : ''}not valid ${what}: ${(error as Error).message}`);
  }
  return toFixtures(raw ?? {}, where);
}

/** A file's format by its name: .yaml or .yml is YAML, anything else JSON. */
export const formatOfFile = (file: string): FixturesFormat => (/\.ya?ml$/i.test(file) ? 'yaml' : 'json');

/** Reads a fixtures file named by a setting; a ValidationError names the setting, the file and the field. */
export function readFixturesFile(setting: string, file: string): Fixtures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValidationError(setting, `${setting} ${file} could not be read: ${(error as Error).message}`);
  }
  return parseFixtures(text, formatOfFile(file), `${setting} ${file}`);
}
