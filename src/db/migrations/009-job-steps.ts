import type { Knex } from 'knex';

// The job tree: a job's ordered steps to any depth, with per-item outcomes, and what the
// ServiceNow and Salesforce faces say of a job (name, reference id, messages, result, data).
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('jobs', (t) => {
    t.text('name');
    t.text('reference_id');
    t.jsonb('additional_data');
    t.text('message');
    t.text('detail_message');
    t.jsonb('result');
    t.index(['account', 'reference_id']);
  });
  // The job as a ServiceNow tracker: a sys_id of 32 hex characters, made by the database.
  await db.raw(`alter table jobs add column sys_id text not null default md5(random()::text || clock_timestamp()::text)`);
  await db.raw('create unique index jobs_sys_id_unique on jobs (sys_id)');
  await db.schema.createTable('job_steps', (t) => {
    t.text('sys_id').primary();
    t.text('job_id').notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.text('parent_sys_id').references('sys_id').inTable('job_steps').onDelete('CASCADE');
    t.integer('step_order').notNullable().defaultTo(0);
    t.integer('position').notNullable();
    t.text('name').notNullable();
    t.text('state').notNullable().defaultTo('pending');
    t.decimal('percent_complete', 5, 2).notNullable().defaultTo(0);
    t.text('message').notNullable().defaultTo('');
    t.text('detail_message').notNullable().defaultTo('');
    t.jsonb('result');
    t.integer('total_items').notNullable().defaultTo(0);
    t.integer('processed_items').notNullable().defaultTo(0);
    t.integer('failed_items').notNullable().defaultTo(0);
    t.timestamp('started_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['job_id', 'position']);
    t.index(['parent_sys_id']);
  });
  await db.schema.createTable('job_step_items', (t) => {
    t.bigIncrements('id');
    t.text('step_sys_id').notNullable().references('sys_id').inTable('job_steps').onDelete('CASCADE');
    t.text('item').notNullable();
    t.boolean('is_success').notNullable();
    t.text('code');
    t.text('message');
    t.index(['step_sys_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('job_step_items');
  await db.schema.dropTableIfExists('job_steps');
  await db.schema.alterTable('jobs', (t) => {
    t.dropIndex(['account', 'reference_id']);
    for (const column of ['name', 'reference_id', 'additional_data', 'message', 'detail_message', 'result', 'sys_id']) t.dropColumn(column);
  });
}
