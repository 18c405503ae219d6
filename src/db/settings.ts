import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * The admin token kept in the database: made at first start (when ADMIN_TOKEN is unset) and the
 * same on every later start, whichever process asks first. Returns it with whether it is new.
 */
export async function storedAdminToken(db: Knex): Promise<{ token: string; created: boolean }> {
  const candidate = randomBytes(24).toString('base64url');
  const inserted = await db('settings').insert({ key: 'admin_token', value: candidate }).onConflict('key').ignore().returning('value');
  if (inserted.length > 0) return { token: candidate, created: true };
  const row = await db('settings').where({ key: 'admin_token' }).first('value');
  return { token: String(row.value), created: false };
}

/** The secret callbacks are signed with, made at first start when CALLBACK_SECRET is unset. */
export async function storedCallbackSecret(db: Knex): Promise<string> {
  await db('settings')
    .insert({ key: 'callback_secret', value: randomBytes(24).toString('base64url') })
    .onConflict('key')
    .ignore();
  const row = await db('settings').where({ key: 'callback_secret' }).first('value');
  return String(row.value);
}

/** True for the one caller that first claims `key`: for what a fresh install does once. */
export async function claimOnce(db: Knex, key: string): Promise<boolean> {
  const inserted = await db('settings').insert({ key, value: new Date().toISOString() }).onConflict('key').ignore().returning('key');
  return inserted.length > 0;
}

/**
 * The manual clock's time as last stored, so a restart goes on where it stopped; the first
 * start stores `start` and answers it.
 */
export async function storedManualClock(db: Knex, start: Date): Promise<Date> {
  await db('settings').insert({ key: 'manual_clock', value: start.toISOString() }).onConflict('key').ignore();
  const row = await db('settings').where({ key: 'manual_clock' }).first('value');
  return new Date(String(row.value));
}

/** Stores the manual clock's time; it only moves forward, whichever process writes last. */
export async function saveManualClock(db: Knex, at: Date): Promise<void> {
  await db('settings').insert({ key: 'manual_clock', value: at.toISOString() }).onConflict('key').merge().where('settings.value', '<', at.toISOString());
}
