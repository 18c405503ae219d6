import type { Knex } from 'knex';

// Accounts and their credentials: integrations (consumer key and secret), tokens (token id and
// secret, bound to an integration and a role), passport users, the nonces seen per token, and a
// login audit trail of refused logins. Limits left null take the service-wide setting.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('accounts', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.integer('concurrent_requests');
    t.integer('max_result_calls');
    t.integer('min_poll_interval_seconds');
    t.integer('response_delay_ms');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await db.schema.createTable('integrations', (t) => {
    t.text('consumer_key').primary();
    t.text('account').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('consumer_secret').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['account']);
  });
  await db.schema.createTable('tokens', (t) => {
    t.text('token_id').primary();
    t.text('account').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('consumer_key').notNullable().references('consumer_key').inTable('integrations').onDelete('CASCADE');
    t.text('token_secret').notNullable();
    t.integer('role').notNullable();
    t.boolean('web_services').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['account']);
  });
  await db.schema.createTable('passport_users', (t) => {
    t.text('account').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('email').notNullable();
    t.text('password_hash').notNullable();
    t.integer('role').notNullable();
    t.boolean('web_services').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['account', 'email']);
  });
  await db.schema.createTable('token_nonces', (t) => {
    t.text('token_id').notNullable();
    t.text('nonce').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['token_id', 'nonce']);
    t.index(['expires_at']);
  });
  await db.schema.createTable('login_audit', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('account');
    t.text('method').notNullable();
    t.text('credential');
    t.text('reason').notNullable();
    t.index(['at']);
  });
  // Every authenticated request writes a nonce, and every refused one an audit row. Unlogged, their
  // commits wait for no WAL flush (a few ms each on an ordinary disk); what a crash of the database
  // server loses of them is a window of replayable nonces and some audit lines.
  await db.raw('alter table token_nonces set unlogged');
  await db.raw('alter table login_audit set unlogged');
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['login_audit', 'token_nonces', 'passport_users', 'tokens', 'integrations', 'accounts']) {
    await db.schema.dropTableIfExists(table);
  }
}
