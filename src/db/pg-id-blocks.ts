import type { Knex } from 'knex';
import { derivedBlock, type IdKind, type SeededBlocks } from '../jobs/id-source';

/**
 * Seeded id blocks on Postgres (tables id_seeds and id_counters, migration 018). Taking ids bumps
 * the scope's counter of the kind in one statement that also reads the seed, so server processes
 * sharing the database never take the same index, and a seed set by another process is used from
 * the next id on. Which scopes have a seed at all is remembered for `cacheMs`, so that without one
 * (the usual case) an id costs no round trip (one shared read per `cacheMs` at most); a seed set through another process is therefore seen
 * within that time, as ACCOUNT_CACHE_MS says of accounts.
 */
export class PgSeededBlocks implements SeededBlocks {
  private seeded: { scopes: Set<string>; at: number } | null = null;
  /** A look-up under way: calls that find the cache stale meanwhile wait for it instead of each sending its own. */
  private refreshing: Promise<Set<string>> | null = null;
  /** Bumped by forget(), so a look-up begun before it does not store what it read. */
  private generation = 0;

  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly cacheMs: number,
  ) {}

  /** Undefined when neither the scope nor every scope ('*') has a seed. */
  async take(scope: string, kind: IdKind, count: number): Promise<Buffer[] | undefined> {
    const scopes = await this.seededScopes();
    if (!scopes.has(scope) && !scopes.has('*')) return undefined;
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

  knownUnseeded(scope: string): boolean {
    const seeded = this.seeded;
    return seeded !== null && Date.now() - seeded.at < this.cacheMs && !seeded.scopes.has(scope) && !seeded.scopes.has('*');
  }

  /** Drops what it remembers, after this process changed the seeds. */
  forget(): void {
    this.seeded = null;
    this.refreshing = null;
    this.generation++;
  }

  /** With cacheMs 0 every id looks the seeds up (one small read), never the counters of an unseeded scope. */
  private async seededScopes(): Promise<Set<string>> {
    if (this.seeded && Date.now() - this.seeded.at < this.cacheMs) return this.seeded.scopes;
    if (this.refreshing) return this.refreshing;
    const generation = this.generation;
    this.refreshing = (async () => {
      try {
        const at = Date.now();
        const rows: Array<{ scope: string }> = await this.db('id_seeds').select('scope');
        const scopes = new Set(rows.map((row) => row.scope));
        if (generation === this.generation) this.seeded = { scopes, at };
        return scopes;
      } finally {
        // A forget() meanwhile began a new generation, whose own look-up must stay.
        if (generation === this.generation) this.refreshing = null;
      }
    })();
    return this.refreshing;
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
