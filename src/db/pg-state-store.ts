import type { Knex } from 'knex';
import type { FixtureRecord, PutRecordOutcome, StateStore, StateTransaction } from '../state/state-store';
import { PgAccountStore } from './pg-account-store';
import { PgSeededBlocks, setIdSeed } from './pg-id-blocks';
import { PgJobStore } from './pg-job-store';
import { PgRecordStore } from './pg-record-store';
import { PgSavedSearches } from './pg-saved-searches';
import { RESET_TABLES } from './reset-tables';
import { claimOnce } from './settings';
import type { Database } from './database';

/** Resets and fixtures on Postgres: each a transaction of its own. */
export class PgStateStore implements StateStore {
  constructor(
    private readonly db: Database,
    private readonly options: { leaseSeconds: number },
  ) {}

  transaction<T>(work: (tx: StateTransaction) => Promise<T>): Promise<T> {
    return this.db.knex.transaction((trx) => work(new PgStateTransaction(this.db.within(trx), trx, this.options.leaseSeconds)));
  }
}

class PgStateTransaction implements StateTransaction {
  readonly accountStore: PgAccountStore;
  readonly jobStore: PgJobStore;
  readonly idBlocks: PgSeededBlocks;
  readonly savedSearches: PgSavedSearches;

  constructor(
    database: Database,
    private readonly trx: Knex.Transaction,
    leaseSeconds: number,
  ) {
    this.accountStore = new PgAccountStore(database);
    this.jobStore = new PgJobStore(database, { leaseSeconds });
    this.idBlocks = new PgSeededBlocks(trx, 0);
    this.savedSearches = new PgSavedSearches(trx);
  }

  /**
   * Locks the tables first (EXCLUSIVE: reads go on and see the state before the reset until it
   * commits; writers, a worker's step among them, finish first or wait for it), then deletes
   * children before parents.
   */
  async clear(account: string | null): Promise<Record<string, number>> {
    const existing = await this.existingTables();
    const tables = RESET_TABLES.filter((entry) => existing.has(entry.table));
    await this.trx.raw(
      `lock table ${tables.map(() => '??').join(', ')} in exclusive mode`,
      tables.map((entry) => entry.table),
    );
    const removed: Record<string, number> = {};
    for (const { table, account: where } of [...tables].reverse()) {
      if (account !== null && where === null) continue;
      const condition = account === null ? '' : ` where ${where}`;
      const bindings = account === null ? [] : Array.from({ length: (where!.match(/\?/g) ?? []).length }, () => account);
      const result = await this.trx.raw(`with gone as (delete from ??${condition} returning 1) select count(*)::int as n from gone`, [table, ...bindings]);
      removed[table] = Number(result.rows[0].n);
    }
    return removed;
  }

  async putRecord(account: string, record: FixtureRecord, now: Date): Promise<PutRecordOutcome> {
    const records = new PgRecordStore(this.trx);
    if (record.externalId && (await records.find(account, { recordType: record.recordType, externalId: record.externalId }))) return { kind: 'taken', field: 'externalId' };
    const input = { recordType: record.recordType, externalId: record.externalId, fields: record.fields, nullFields: [] };
    if (!record.internalId) {
      const stored = await records.insert(account, input, now);
      return stored ? { kind: 'stored', internalId: stored.internalId } : { kind: 'taken', field: 'externalId' };
    }
    if (await this.trx('records').where({ account, internal_id: record.internalId }).first('internal_id')) return { kind: 'taken', field: 'internalId' };
    await this.trx('records').insert({
      account,
      record_type: record.recordType,
      internal_id: record.internalId,
      external_id: record.externalId ?? null,
      fields: JSON.stringify(record.fields),
      created_at: now,
      updated_at: now,
    });
    // The account's next internalId stays above every one given.
    await this.trx.raw(
      `insert into account_counters (account, next_internal_id) values (?, greatest(?::bigint + 1, 1001))
       on conflict (account) do update set next_internal_id = greatest(account_counters.next_internal_id, excluded.next_internal_id)`,
      [account, record.internalId],
    );
    return { kind: 'stored', internalId: record.internalId };
  }

  setIdSeed(scope: string, seed: string | null): Promise<void> {
    return setIdSeed(this.trx, scope, seed);
  }

  async idSeed(scope: string): Promise<string | null> {
    const row = await this.trx('id_seeds').where({ scope }).first('seed');
    return row ? String(row.seed) : null;
  }

  async restartSharedIdCounts(): Promise<void> {
    await this.trx('id_counters').whereNotIn('scope', this.trx('id_seeds').select('scope')).delete();
  }

  async setManualClock(at: Date): Promise<void> {
    await this.trx('settings').insert({ key: 'manual_clock', value: at.toISOString() }).onConflict('key').merge();
  }

  claimOnce(key: string): Promise<boolean> {
    return claimOnce(this.trx, key);
  }

  private async existingTables(): Promise<Set<string>> {
    const result = await this.trx.raw(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname = any(?)`,
      [RESET_TABLES.map((entry) => entry.table)],
    );
    return new Set((result.rows as Array<{ name: string }>).map((row) => row.name));
  }
}
