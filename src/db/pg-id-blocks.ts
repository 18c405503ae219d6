import type { Knex } from 'knex';
import { derivedBlock, type IdKind, type SeededBlocks } from '../jobs/id-source';

/**
 * Seeded id blocks on Postgres (tables id_seeds and id_counters, migration 018). Taking ids bumps
 * the scope's counter of the kind in one statement that also reads the seed, so server processes
 * sharing the database never take the same index, and a seed set by another process is used from
 * the next id on. Which scopes have a seed at all is remembered for `cacheMs`, so that without one
 * (the usual case) an id costs no round trip; a seed set through another process is therefore seen
 * within that time, as ACCOUNT_CACHE_MS says of accounts.
 */
export class PgSeededBlocks implements SeededBlocks {
  private seeded: { scopes: Set<string>; at: number } | null = null;

  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly cacheMs: number,
  ) {}

  /** Undefined when neither the scope nor every scope ('*') has a seed. */
  async take(scope: string, kind: IdKind, count: number): Promise<Buffer[] | undefined> {
    if (this.cacheMs > 0) {
      const scopes = await this.seededScopes();
      if (!scopes.has(scope) && !scopes.has('*')) return undefined;
    }
    const result = await this.db.raw(
      `with seed as (select seed from id_seeds where scope in (?, '*') order by scope = '*' limit 1),
            bumped as (insert into id_counters (scope, kind, taken) select ?, ?, ? from seed
                       on conflict (scope, kind) do update set taken = id_counters.taken + excluded.taken
                       returning taken)
       select seed.seed, bumped.taken from seed, bumped`,
      [scope, scope, kind, count],
    );
    const row = result.rows[0] as { seed: string; taken: string | number } | undefined;
    if (!row) return undefined;
    const first = Number(row.taken) - count;
    return Array.from({ length: count }, (_, i) => derivedBlock(row.seed, scope, kind, first + i));
  }

  /** Drops what it remembers, after this process changed the seeds. */
  forget(): void {
    this.seeded = null;
  }

  private async seededScopes(): Promise<Set<string>> {
    const now = Date.now();
    if (!this.seeded || now - this.seeded.at >= this.cacheMs) {
      const rows: Array<{ scope: string }> = await this.db('id_seeds').select('scope');
      this.seeded = { scopes: new Set(rows.map((row) => row.scope)), at: now };
    }
    return this.seeded.scopes;
  }
}

/**
 * Sets (or with null removes) the seed of a scope and forgets what the scope's ids counted: the
 * next ids are the seed's first. Run inside a reset's transaction.
 */
export async function setIdSeed(db: Knex | Knex.Transaction, scope: string, seed: string | null): Promise<void> {
  await db('id_counters').where({ scope }).delete();
  if (seed === null) await db('id_seeds').where({ scope }).delete();
  else await db('id_seeds').insert({ scope, seed }).onConflict('scope').merge();
}
