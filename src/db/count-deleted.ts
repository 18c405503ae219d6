import type { Knex } from 'knex';

/** Runs a DELETE and answers how many rows it removed (knex's own count is not a number on PGlite). */
export async function countDeleted(db: Knex, sql: string, bindings: Knex.RawBinding[] = []): Promise<number> {
  const result = await db.raw(`with deleted as (${sql} returning 1) select count(*)::int as n from deleted`, bindings);
  return Number(result.rows[0].n);
}
