import type { Knex } from 'knex';
import type { AttemptRecord, CallbackStore, ClaimedDelivery, ClaimFairness, DeliveryFilter, DeliveryView } from '../callbacks/callback-store';
import { arrayLiteral } from './hot-query';
import { toJob, type JobRow } from './pg-job-store';

/** Callbacks in Postgres (migration 014): deliveries are queued by trigger when a job ends. */
export class PgCallbackStore implements CallbackStore {
  constructor(private readonly db: Knex) {}

  async accountCallback(account: string): Promise<string | undefined> {
    const row = await this.db('account_callbacks').where({ account }).first('url');
    return row?.url;
  }

  async setAccountCallback(account: string, url: string | null, now: Date): Promise<void> {
    if (url === null) {
      await this.db('account_callbacks').where({ account }).delete();
      return;
    }
    await this.db('account_callbacks').insert({ account, url, updated_at: now }).onConflict('account').merge();
  }

  /**
   * One statement claims and counts; 0 rows when nothing due is claimable. Of the first `limit`
   * due deliveries of accounts below their cap, each account's earliest are taken, as many as its
   * deliveries under way (`held`) leave room for under `accountLimit`; the jobs are read after,
   * as they stand once ended.
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number, fairness: ClaimFairness): Promise<ClaimedDelivery[]> {
    const accounts = [...fairness.held.keys()];
    const claimed = await this.db.raw(
      `with held as (
         select * from unnest(?::text[], ?::int[]) as h(account, under_way)),
       due as (
         select d.id, d.next_attempt_at, j.account
           from callback_deliveries d join jobs j on j.id = d.job_id
          where d.state = 'pending' and d.next_attempt_at <= ?
            and j.account <> all (array(select account from held where under_way >= ?))
          order by d.next_attempt_at, d.id
          limit ?
          for update of d skip locked),
       taken as (
         select id from (
           select due.id, coalesce(held.under_way, 0) + row_number() over (partition by due.account order by due.next_attempt_at, due.id) as place
             from due left join held on held.account = due.account) ranked
          where place <= ?)
       update callback_deliveries d
          set attempts = d.attempts + 1, next_attempt_at = ?
         from taken where d.id = taken.id
       returning d.id, d.job_id, d.url, d.attempts`,
      [arrayLiteral(accounts), arrayLiteral(accounts.map((account) => fairness.held.get(account))), now, fairness.accountLimit, limit, fairness.accountLimit, leaseUntil],
    );
    const rows = claimed.rows as Array<{ id: string; job_id: string; url: string; attempts: number }>;
    if (rows.length === 0) return [];
    const jobs = await this.db<JobRow>('jobs').whereIn('id', [...new Set(rows.map((row) => row.job_id))]);
    const byId = new Map(jobs.map((row) => [row.id, toJob(row)]));
    return rows.flatMap((row) => {
      const job = byId.get(row.job_id);
      // The job was deleted since (its deliveries go with it by cascade): nothing to report.
      return job ? [{ id: String(row.id), url: row.url, attempt: row.attempts, job }] : [];
    });
  }

  async recordAttempt(deliveryId: string, attempt: number, record: AttemptRecord): Promise<void> {
    await this.db.transaction(async (trx) => {
      // Guarded by the attempt number: a deliverer whose lease ran out does not overwrite a newer one.
      const updated = await trx('callback_deliveries')
        .where({ id: deliveryId, attempts: attempt, state: 'pending' })
        .update({
          state: record.outcome.state,
          next_attempt_at: record.outcome.state === 'pending' ? record.outcome.nextAttemptAt : record.attemptedAt,
          ended_at: record.outcome.state === 'pending' ? null : record.attemptedAt,
        });
      if (updated === 0) return;
      await trx('callback_attempts').insert({
        delivery_id: deliveryId,
        attempt,
        attempted_at: record.attemptedAt,
        duration_ms: record.durationMs,
        http_status: record.httpStatus,
        error: record.error,
      });
    });
  }

  async listDeliveries(filter: DeliveryFilter): Promise<DeliveryView[]> {
    const query = this.db('callback_deliveries').orderBy('id', 'desc').limit(filter.limit);
    if (filter.jobId !== undefined) query.where({ job_id: filter.jobId });
    if (filter.state !== undefined) query.where({ state: filter.state });
    const deliveries = await query.select('*');
    if (deliveries.length === 0) return [];
    const attempts = await this.db('callback_attempts')
      .whereIn(
        'delivery_id',
        deliveries.map((row) => row.id),
      )
      .orderBy(['delivery_id', 'attempt']);
    return deliveries.map((row) => ({
      id: String(row.id),
      jobId: row.job_id,
      url: row.url,
      state: row.state,
      attempts: attempts
        .filter((attempt) => String(attempt.delivery_id) === String(row.id))
        .map((attempt) => ({
          attempt: attempt.attempt,
          attemptedAt: new Date(attempt.attempted_at),
          durationMs: attempt.duration_ms,
          httpStatus: attempt.http_status,
          error: attempt.error,
        })),
      nextAttemptAt: row.state === 'pending' ? new Date(row.next_attempt_at) : null,
      createdAt: new Date(row.created_at),
      endedAt: row.ended_at ? new Date(row.ended_at) : null,
    }));
  }

  async nextDueAfter(now: Date): Promise<Date | null> {
    const row = await this.db('callback_deliveries').where({ state: 'pending' }).where('next_attempt_at', '>', now).min({ due: 'next_attempt_at' }).first();
    return row?.due ? new Date(row.due) : null;
  }
}
