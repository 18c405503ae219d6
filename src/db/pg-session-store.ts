import type { Knex } from 'knex';
import type { Session, SessionLookup, SessionStore } from '../accounts/sessions';

interface SessionRow {
  id: string;
  account: string;
  email: string;
  role: number;
  created_at: Date;
  last_used_at: Date;
  ended_at: Date | null;
}

/** Sessions in Postgres (migration 015). Idleness is measured on the service's clock; busy leases on the database's. */
export class PgSessionStore implements SessionStore {
  constructor(private readonly db: Knex) {}

  async createSession(session: Session): Promise<void> {
    await this.db('sessions').insert({
      id: session.id,
      account: session.account,
      email: session.email,
      role: session.role,
      created_at: session.createdAt,
      last_used_at: session.lastUsedAt,
    });
  }

  /** One statement marks a live session used; only when it finds none is the row read to say why. */
  async useSession(id: string, now: Date, idleSince: Date): Promise<SessionLookup> {
    const [used] = await this.db<SessionRow>('sessions').where({ id }).whereNull('ended_at').andWhere('last_used_at', '>=', idleSince).update({ last_used_at: now }).returning('*');
    if (used) return { kind: 'live', session: toSession(used) };
    const row = await this.db<SessionRow>('sessions').where({ id }).first();
    if (!row) return { kind: 'unknown' };
    return row.ended_at ? { kind: 'ended' } : { kind: 'expired' };
  }

  async endSession(id: string, now: Date): Promise<boolean> {
    return (await this.db('sessions').where({ id }).whereNull('ended_at').update({ ended_at: now })) > 0;
  }

  async occupy(id: string, holder: string, leaseSeconds: number): Promise<boolean> {
    const taken = await this.db('sessions')
      .where({ id })
      .andWhere((free) => free.whereNull('busy_until').orWhere('busy_until', '<', this.db.fn.now()))
      .update({ busy_until: this.db.raw('now() + make_interval(secs => ?)', [leaseSeconds]), busy_holder: holder });
    return taken > 0;
  }

  /** By session id (the primary key) and holder, so a hold that another request took over is not extended. */
  async renew(holds: Array<{ id: string; holder: string }>, leaseSeconds: number): Promise<void> {
    await this.db('sessions')
      .whereIn(
        ['id', 'busy_holder'],
        holds.map((hold) => [hold.id, hold.holder]),
      )
      .update({ busy_until: this.db.raw('now() + make_interval(secs => ?)', [leaseSeconds]) });
  }

  /** Guarded by the holder: a request whose hold ran out does not free the one that took it over. */
  async vacate(id: string, holder: string): Promise<void> {
    await this.db('sessions').where({ id, busy_holder: holder }).update({ busy_until: null, busy_holder: null });
  }
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    account: row.account,
    email: row.email,
    role: row.role,
    createdAt: new Date(row.created_at),
    lastUsedAt: new Date(row.last_used_at),
  };
}
