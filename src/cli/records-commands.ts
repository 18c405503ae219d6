import { CliError, EXIT } from './admin-client';
import { client, CONNECTION, connectionOptions, jsonOption, printJson, type Command, type Flags } from './command';
import { clean, recordName, recordReport, table, type RecordView } from './render';

/** `records list` and `records show`: what an account's records hold, through GET /admin/records. */

interface RecordPage {
  account: string;
  records: RecordView[];
  /** The last internalId of a full page, to pass as --after; null on the last page. */
  next: string | null;
}

const INTERNAL_ID = /^[1-9]\d{0,17}$/;
const RECORD_TYPE = /^[a-z][A-Za-z0-9]{0,99}$/;

/** The flag's value when it is set and matches; a CliError for the command line when it does not. */
function checked(flags: Flags, name: string, valid: (value: string) => boolean, rule: string): string | undefined {
  const value = flags[name];
  if (typeof value !== 'string') return undefined;
  if (!valid(value)) throw new CliError(`--${name} must be ${rule} (got "${clean(value)}")`, EXIT.usage);
  return value;
}

export const RECORDS_COMMANDS: Record<string, Command> = {
  'records list': {
    help: `Usage: async-status-emulator records list [--account <id>] [--type <recordType>] [--after <internalId>] [--limit <n>] [--json]

Lists an account's records in internalId order, whichever call wrote them (add, upsert, their
lists, asyncAddList's jobs, fixtures): internalId, type, externalId, name, last modified.
When the page is full, a last line gives the command for the next one (--after <internalId>).
  --account <id>           the account (default: the service's DEFAULT_ACCOUNT)
  --type <recordType>      one type's records, e.g. customer or salesOrder
  --after <internalId>     records after this internalId (the next page)
  --limit <n>              at most n records (1-1000, default 100)
  --json                   the admin API's JSON ({account, records, next})
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption, account: { type: 'string' }, type: { type: 'string' }, after: { type: 'string' }, limit: { type: 'string' } },
    args: [],
    async run(_args, flags, io) {
      const query = new URLSearchParams();
      if (typeof flags.account === 'string') query.set('account', flags.account);
      const recordType = checked(flags, 'type', (value) => RECORD_TYPE.test(value), 'a record type such as customer');
      const after = checked(flags, 'after', (value) => INTERNAL_ID.test(value), 'an internalId, in digits');
      const limit = checked(flags, 'limit', (value) => /^\d{1,4}$/.test(value) && Number(value) >= 1 && Number(value) <= 1000, 'a whole number from 1 to 1000');
      if (recordType) query.set('recordType', recordType);
      if (after) query.set('after', after);
      if (limit) query.set('limit', limit);
      const page = await client(flags, io).get<RecordPage>(`/records${query.size ? `?${query}` : ''}`);
      if (flags.json) return (printJson(io, page), EXIT.ok);
      const account = clean(page.account);
      if (page.records.length === 0) return (io.out(`No ${recordType ? `${recordType} ` : ''}records in account ${account}${after ? ` after ${after}` : ''}.\n`), EXIT.ok);
      const rows = page.records.map((record) => [
        record.internalId,
        clean(record.recordType),
        record.externalId === null ? '-' : clean(record.externalId),
        recordName(record),
        record.updatedAt ?? '-',
      ]);
      io.out(`${table(['INTERNALID', 'TYPE', 'EXTERNALID', 'NAME', 'LASTMODIFIED'], rows)}\n`);
      if (page.next !== null) {
        const same = [`--account ${account}`, recordType && `--type ${recordType}`, limit && `--limit ${limit}`].filter(Boolean).join(' ');
        io.out(`More: async-status-emulator records list ${same} --after ${page.next}\n`);
      }
      return EXIT.ok;
    },
  },

  'records show': {
    help: `Usage: async-status-emulator records show <internalId> [--account <id>] [--json]

Shows one record: type, internalId, externalId, when it was created and last modified, and its
fields as stored (nested ones, such as sublists and references, as indented JSON).
Exit status 1 when the account has no such record.
  --account <id>  the account (default: the service's DEFAULT_ACCOUNT)
  --json          the admin API's JSON
${CONNECTION}
`,
    options: { ...connectionOptions, ...jsonOption, account: { type: 'string' } },
    args: ['internalId'],
    async run([internalId], flags, io) {
      if (!INTERNAL_ID.test(internalId)) throw new CliError(`<internalId> must be digits, such as 42 (got "${clean(internalId)}")`, EXIT.usage);
      const account = typeof flags.account === 'string' ? `?${new URLSearchParams({ account: flags.account })}` : '';
      const record = await client(flags, io).get<RecordView>(`/records/${internalId}${account}`);
      if (flags.json) return (printJson(io, record), EXIT.ok);
      io.out(`${recordReport(record)}\n`);
      return EXIT.ok;
    },
  },
};
