import type { Knex } from 'knex';

/**
 * A query on the request path, run as a named prepared statement on a Postgres server: Postgres
 * parses and plans it once per connection, and pg skips describing its rows again. On PGlite,
 * whose client has no named statements, it runs through knex as any other query. `text` numbers
 * its parameters $1, $2, … in the order `values` gives them.
 */
export async function hotQuery<Row>(db: Knex, name: string, text: string, values: unknown[]): Promise<Row[]> {
  const client = db.client as Knex.Client & { config: { client?: unknown } };
  if (client.config.client !== 'pg') {
    // knex would spread an array over several placeholders: PGlite gets it as one array literal.
    const bindings = values.map((value) => (Array.isArray(value) ? arrayLiteral(value) : value));
    const result = await db.raw(text.replace(/\$\d+/g, '?'), bindings as Knex.RawBinding[]);
    return result.rows as Row[];
  }
  const connection = (await client.acquireConnection()) as { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }> };
  try {
    return (await connection.query({ name, text, values })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}

/** A one-dimensional Postgres array literal: every element quoted, so any text survives. */
export function arrayLiteral(values: unknown[]): string {
  const element = (value: unknown) => {
    if (value === null || value === undefined) return 'NULL';
    const text = value instanceof Date ? value.toISOString() : String(value);
    return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  };
  return `{${values.map(element).join(',')}}`;
}
