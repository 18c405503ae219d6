import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { RequestSlots } from '../accounts/request-slots';
import { normalizeAccountId } from '../jobs/account-id';
import { HeldLeases } from '../lib/held-leases';

/**
 * RequestSlots in Postgres, so every server process on the database counts the same requests. A
 * slot is a row in the unlogged table request_slots; taking one counts the account's live rows
 * under a transaction-scoped advisory lock on the account, so two takers never both see the last
 * free slot. A process renews a row's lease only while its request runs (HeldLeases): the rows
 * of a process that died, and of a release that failed, lapse after `leaseSeconds`. Times are the
 * database's, shared by all processes. Requests of an account without a limit take no slot and
 * are not counted.
 */

export interface PgRequestSlotsOptions {
  /** How long a slot outlives its last renewal (a dead process's slots free themselves after this). */
  leaseSeconds: number;
  onError(error: unknown): void;
}

const NO_SLOT = (): Promise<void> => Promise.resolve();

export class PgRequestSlots implements RequestSlots {
  private readonly process = randomUUID();
  private sequence = 0;
  private readonly leases: HeldLeases<string>;

  constructor(
    private readonly db: Knex,
    private readonly options: PgRequestSlotsOptions = { leaseSeconds: 30, onError: () => undefined },
  ) {
    this.leases = new HeldLeases<string>(
      {
        renew: async (holders) => {
          await this.db('request_slots')
            .whereIn('holder', holders)
            .update({ expires_at: this.db.raw('now() + make_interval(secs => ?)', [this.options.leaseSeconds]) });
        },
        vacate: async (holder) => {
          await this.db('request_slots').where({ holder }).delete();
        },
      },
      options.leaseSeconds,
      options.onError,
    );
  }

  /** Null when `limit` live slots of the account are taken; the release deletes the row. */
  async acquire(account: string, limit: number): Promise<(() => Promise<void>) | null> {
    // No limit, nothing to count: such requests cost the database nothing.
    if (limit <= 0) return NO_SLOT;
    const key = normalizeAccountId(account);
    const holder = `${this.process}:${++this.sequence}`;
    const result = await this.db.raw('select take_request_slot(?, ?, ?, ?) as taken', [holder, key, this.options.leaseSeconds, limit]);
    const taken = result.rows[0]?.taken === true;
    if (!taken) return null;
    this.leases.hold(holder);
    let released: Promise<void> | undefined;
    return () => (released ??= this.leases.release(holder));
  }

  async inFlight(account: string): Promise<number> {
    const [row] = await this.db('request_slots')
      .where({ account: normalizeAccountId(account) })
      .andWhereRaw('expires_at > now()')
      .count<{ count: string | number }[]>({ count: '*' });
    return Number(row.count);
  }

  /** Slots this process has taken and not yet freed (held by a request, or whose release failed). */
  get unfreed(): number {
    return this.leases.size;
  }

  async close(): Promise<void> {
    this.leases.close();
    await this.db('request_slots').whereLike('holder', `${this.process}:%`).delete();
  }
}
