import type { Clock, ManualClock } from '../lib/clock';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import { AccountService } from '../accounts/account-service';
import { applySeed, type Seed } from '../accounts/seed';
import { normalizeAccountId } from '../jobs/account-id';
import { IdSource } from '../jobs/id-source';
import { JobService, type JobServiceSettings, type ScriptedJob } from '../jobs/job-service';
import type { RecordCatalog } from '../records/record-catalog';
import { fieldsWithin } from '../lib/field-path';
import { toScriptedJob } from './scenario-input';
import type { Fixtures } from './fixtures';
import type { FixtureRecord, StateStore, StateTransaction } from './state-store';
import type { SavedSearchInput, SavedSearchReader } from '../records/saved-searches';
import { takenMessage, toSavedSearchInput } from './saved-search-service';

/**
 * Resets (POST /admin/reset) and fixtures (FIXTURES_FILE, SEED_FILE, POST /admin/fixtures): each
 * one transaction, so a reset is seen whole or not at all, and a fixtures document loads whole or
 * not at all. Fixtures are checked before the transaction; what only the database can tell (an
 * id in use) fails it, rolling back everything it did, and names the field.
 */

export interface StateServiceOptions {
  defaultAccount: string;
  /** The demo account's id, or null when DEMO_ACCOUNT=off. */
  demoSeed: Seed | null;
  /** The manual clock and where a reset puts it (CLOCK_START), when CLOCK=manual. */
  manualClock: ManualClock | null;
  clockStart?: Date;
  /** ID_SEED. */
  idSeed?: string;
  jobSettings: JobServiceSettings;
  /** The startup fixture files (SEED_FILE, FIXTURES_FILE), read afresh each time: a reset applies them as they are now. */
  startupFixtures: () => StartupFixtures[];
  /** Reads a saved search's definition (the SOAP face's reader); a ValidationError names what is wrong. */
  readSavedSearch: SavedSearchReader;
  /** Runs a reset in line with the manual clock's advances (none at once). */
  serialize: <T>(work: () => Promise<T>) => Promise<T>;
  /** After a reset or load commits (not at startup, before the service runs): forget cached accounts and seeds, wake the worker. */
  afterCommit: () => void;
}

export interface StartupFixtures {
  /** Named in errors: the setting and the file. */
  source: string;
  fixtures: Fixtures;
}

export interface LoadedFixtures {
  accounts: string[];
  records: Array<{ account: string; recordType: string; internalId: string; externalId: string | null }>;
  jobs: string[];
  savedSearches: Array<{ account: string; internalId: string; scriptId: string }>;
}

export interface ResetRequest {
  /** One account; absent: everything. */
  account?: string;
  /** The id seed from now on (absent: ID_SEED for everything, none for one account). */
  seed?: string;
  /** Where the manual clock goes (a full reset; default CLOCK_START). */
  clock?: Date;
  /** Loaded after the startup fixtures, in the same transaction. */
  fixtures?: Fixtures;
}

export interface ResetOutcome {
  account: string | null;
  /** Rows removed, by table. */
  removed: Record<string, number>;
  loaded: LoadedFixtures;
  seed: string | null;
  clock: string | null;
}

/** A fixtures document checked against the record catalog, its jobs made into scenarios. */
interface Prepared {
  /** A file's setting and name, said before each error's field. */
  source?: string;
  accounts: Seed['accounts'];
  records: Array<{ account: string; record: FixtureRecord; field: string }>;
  jobs: Array<{ job: ScriptedJob; field: string }>;
  savedSearches: Array<{ search: SavedSearchInput; field: string }>;
}

const EMPTY_LOAD = (): LoadedFixtures => ({ accounts: [], records: [], jobs: [], savedSearches: [] });

export class StateService {
  private readonly beforeResets: Array<() => Promise<void>> = [];

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    private readonly catalog: RecordCatalog,
    private readonly options: StateServiceOptions,
  ) {}

  /** Runs `hook` before every reset: a serving process writes what still waits (its request journal's last calls), so the reset clears that too. */
  beforeEachReset(hook: () => Promise<void>): void {
    this.beforeResets.push(hook);
  }

  /**
   * At every start, in one transaction: the demo account on a fresh install, ID_SEED, the startup
   * files' accounts; their records and jobs only the first time (after that, a reset loads them).
   */
  async startup(): Promise<{ demoCreated: boolean; loaded: LoadedFixtures }> {
    const files = await this.prepareFiles();
    const outcome = await this.store.transaction(async (tx) => {
      const demoCreated = this.options.demoSeed !== null && (await tx.claimOnce('demo_account_created'));
      if (demoCreated) await this.applyAccounts(tx, this.clock, this.options.demoSeed!.accounts, 'demo account');
      if (this.options.idSeed !== undefined && (await tx.idSeed('*')) !== this.options.idSeed) {
        await tx.setIdSeed('*', this.options.idSeed);
        await tx.restartSharedIdCounts();
      }
      const loaded = EMPTY_LOAD();
      for (const prepared of files) {
        // Each file's records and jobs load at the first start that has that file (a file added
        // to an install that already had another still loads), its accounts at every start.
        const firstLoad = await tx.claimOnce(`fixtures_loaded:${prepared.source}`);
        await this.apply(tx, this.clock, firstLoad ? prepared : { ...prepared, records: [], jobs: [], savedSearches: [] }, loaded);
      }
      return { demoCreated, loaded };
    });
    // No afterCommit: nothing is cached or running yet.
    return outcome;
  }

  /** Loads a fixtures document (POST /admin/fixtures): all of it, or nothing. */
  async load(fixtures: Fixtures): Promise<LoadedFixtures> {
    const prepared = this.prepare(fixtures);
    const loaded = await this.store.transaction((tx) => this.apply(tx, this.clock, prepared, EMPTY_LOAD()));
    this.options.afterCommit();
    return loaded;
  }

  /**
   * Everything back to a fresh start: every table of state emptied, then the demo account, the
   * startup files and the request's fixtures applied again, the id seed set and the manual clock
   * put back. Or one account: its jobs, records and traces emptied (its configuration stays) and
   * the startup files' records and jobs for it loaded again.
   */
  async reset(request: ResetRequest): Promise<ResetOutcome> {
    const account = request.account === undefined ? null : normalizeAccountId(request.account);
    if (account === null && request.clock && !this.options.manualClock) {
      throw new ValidationError('clock', 'clock: only the manual clock can be set (start with CLOCK=manual)');
    }
    if (account !== null && request.clock) throw new ValidationError('clock', 'clock: the clock is shared by every account; only a reset of everything sets it');
    const files = await this.prepareFiles();
    const extra = request.fixtures && this.prepare(request.fixtures);
    if (extra && account !== null) onlyAccount(extra, account);
    const at = account === null && this.options.manualClock ? (request.clock ?? this.options.clockStart ?? null) : null;
    // Jobs and credentials the reset makes are made at the time it sets.
    const clock: Clock = at ? { now: () => at } : this.clock;
    const seed = request.seed ?? (account === null ? this.options.idSeed : undefined) ?? null;

    for (const hook of this.beforeResets) await hook();
    const outcome = await this.options.serialize(() =>
      this.store.transaction(async (tx) => {
        const removed = await tx.clear(account);
        await tx.setIdSeed(account ?? '*', seed);
        if (at) await tx.setManualClock(at);
        const loaded = EMPTY_LOAD();
        if (account === null && this.options.demoSeed) loaded.accounts.push(...(await this.applyAccounts(tx, clock, this.options.demoSeed.accounts, 'demo account')));
        for (const prepared of files) {
          await this.apply(tx, clock, account === null ? prepared : { ...prepared, accounts: [], ...ofAccount(prepared, account) }, loaded);
        }
        if (extra) await this.apply(tx, clock, extra, loaded);
        // One account without a seed of its own takes every account's, if there is one.
        return { account, removed, loaded, seed: seed ?? (await tx.idSeed('*')), clock: at?.toISOString() ?? null };
      }),
    );
    if (at) this.options.manualClock!.set(at);
    this.options.afterCommit();
    return outcome;
  }

  private async prepareFiles(): Promise<Prepared[]> {
    const files: Prepared[] = [];
    for (const { source, fixtures } of this.options.startupFixtures()) files.push({ ...(await fromSource(source, () => this.prepare(fixtures))), source });
    return files;
  }

  /** Checks what only the catalog can tell, naming each field as the document does. */
  private prepare(fixtures: Fixtures): Prepared {
    const records = fixtures.records.flatMap((group, g) => {
      if (!this.catalog.get(group.recordType)) {
        throw new ValidationError(`records[${g}].recordType`, `records[${g}].recordType: must be one of ${this.catalog.recordTypes().join(', ')}`);
      }
      const account = normalizeAccountId(group.account ?? this.options.defaultAccount);
      return group.items.map((item, i) => {
        const field = `records[${g}].items[${i}]`;
        const fields = this.catalog.validateFields(group.recordType, item.fields ?? {}, `${field}.fields`);
        return { account, field, record: { recordType: group.recordType, internalId: item.internalId, externalId: item.externalId, fields } };
      });
    });
    const jobs = fixtures.jobs.map((input, j) => {
      const field = `jobs[${j}]`;
      return { job: fieldsWithin(field, () => toScriptedJob(input, this.catalog, this.options.defaultAccount)), field };
    });
    const savedSearches = fixtures.savedSearches.map((input, s) => {
      const field = `savedSearches[${s}]`;
      return { search: fieldsWithin(field, () => toSavedSearchInput(input, this.options.readSavedSearch, this.options.defaultAccount)), field };
    });
    return { accounts: fixtures.accounts, records, jobs, savedSearches };
  }

  private async apply(tx: StateTransaction, clock: Clock, prepared: Prepared, loaded: LoadedFixtures): Promise<LoadedFixtures> {
    if (prepared.source) return fromSource(prepared.source, () => this.apply(tx, clock, { ...prepared, source: undefined }, loaded));
    const ids = new IdSource(tx.idBlocks);
    loaded.accounts.push(...(await this.applyAccounts(tx, clock, prepared.accounts, 'accounts')));
    for (const { account, record, field } of prepared.records) {
      const outcome = await tx.putRecord(account, record, clock.now());
      if (outcome.kind === 'taken') {
        throw new ValidationError(
          `${field}.${outcome.field}`,
          `${field}.${outcome.field}: account ${account} has a ${outcome.field === 'internalId' ? 'record' : record.recordType} with ${outcome.field} ${record[outcome.field]} already`,
        );
      }
      loaded.records.push({ account, recordType: record.recordType, internalId: outcome.internalId, externalId: record.externalId ?? null });
    }
    const jobs = new JobService(tx.jobStore, clock, this.options.jobSettings, ids);
    for (const { job } of prepared.jobs) loaded.jobs.push((await jobs.createJob(job)).id);
    for (const { search, field } of prepared.savedSearches) {
      const outcome = await tx.savedSearches.put(search, clock.now());
      if (outcome.kind === 'taken') throw new ValidationError(`${field}.${outcome.field}`, `${field}.${outcome.field}: ${takenMessage(outcome.field, search)}`);
      loaded.savedSearches.push({ account: search.account, internalId: outcome.search.internalId, scriptId: outcome.search.scriptId });
    }
    return loaded;
  }

  /** Accounts in the seed format; a credential that belongs elsewhere names the account it was given in. */
  private async applyAccounts(tx: StateTransaction, clock: Clock, accounts: Seed['accounts'], where: string): Promise<string[]> {
    const service = new AccountService(tx.accountStore, clock, new IdSource(tx.idBlocks));
    const applied: string[] = [];
    for (const [index, account] of accounts.entries()) {
      const field = where === 'accounts' ? `accounts[${index}]` : where;
      try {
        await applySeed(service, { accounts: [account] });
      } catch (error) {
        if (error instanceof ConflictError || error instanceof NotFoundError) throw new ValidationError(field, `${field}: ${error.message}`);
        throw error;
      }
      applied.push(normalizeAccountId(account.id));
    }
    return applied;
  }
}

/** The records, jobs and saved searches of one account. */
function ofAccount(prepared: Prepared, account: string): Pick<Prepared, 'records' | 'jobs' | 'savedSearches'> {
  return {
    records: prepared.records.filter((entry) => entry.account === account),
    jobs: prepared.jobs.filter((entry) => entry.job.account === account),
    savedSearches: prepared.savedSearches.filter((entry) => entry.search.account === account),
  };
}

/** A reset of one account loads only what belongs to it. */
function onlyAccount(prepared: Prepared, account: string): void {
  const why = `a reset of account ${account} loads only its own records and jobs`;
  if (prepared.accounts.length > 0) throw new ValidationError('fixtures.accounts', `fixtures.accounts: ${why}; reset everything to load accounts`);
  const record = prepared.records.find((entry) => entry.account !== account);
  if (record) throw new ValidationError(`fixtures.${record.field}`, `fixtures.${record.field}: ${why}, not account ${record.account}'s`);
  const job = prepared.jobs.find((entry) => entry.job.account !== account);
  if (job) throw new ValidationError(`fixtures.${job.field}.account`, `fixtures.${job.field}.account: ${why}, not account ${job.job.account}'s`);
  const saved = prepared.savedSearches.find((entry) => entry.search.account !== account);
  if (saved) throw new ValidationError(`fixtures.${saved.field}.account`, `fixtures.${saved.field}.account: ${why}, not account ${saved.search.account}'s`);
}

/** Says which file a mistake is in, before the field it names. */
async function fromSource<T>(source: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.field, `${source}: ${error.message}`);
    throw error;
  }
}
