import type { Knex } from 'knex';
import { countDeleted } from './count-deleted';
import type { FaultEffect, FaultRule, FaultRuleStore, NewFaultRule } from '../faults/fault-rule';

/**
 * Injected-fault rules in the table fault_rules (migration 017). The probability draw of a rule's
 * n-th matching call is a number in [0, 1) made from md5(seed:n), computed in the UPDATE that
 * counts the call: the same seed gives the same sequence of faults, whichever process serves
 * which call, and a count is never exceeded however many processes race for its last use.
 */

interface StoredRule {
  id: string | number;
  account: string;
  operation: string;
  job_id: string | null;
  effect: FaultEffect | string;
  count: number | null;
  probability: number | null;
  seed: string | number;
  until: Date | null;
  matched: number;
  fired: number;
  created_at: Date;
}

/** The draw for call `matched` (the column as the expression sees it). */
const DRAW = `(('x' || substr(md5(seed::text || ':' || (%)::text), 1, 8))::bit(32)::bigint / 4294967296.0)`;
const FIRES = (n: string) => `(probability is null or ${DRAW.replace('%', n)} < probability)`;

// Returns no row when the rule is gone, spent or past its time: the caller treats it as absent.
const CONSUME = `update fault_rules
    set matched = matched + 1,
        fired = fired + case when ${FIRES('matched + 1')} then 1 else 0 end
  where id = ? and (count is null or fired < count) and (until is null or until > ?)
  returning ${FIRES('matched')} as fired_now`;

const toRule = (row: StoredRule): FaultRule => ({
  id: Number(row.id),
  account: row.account,
  operation: row.operation,
  jobId: row.job_id,
  effect: typeof row.effect === 'string' ? (JSON.parse(row.effect) as FaultEffect) : row.effect,
  count: row.count,
  probability: row.probability === null ? null : Number(row.probability),
  seed: Number(row.seed),
  until: row.until === null ? null : new Date(row.until),
  matched: row.matched,
  fired: row.fired,
  createdAt: new Date(row.created_at),
});

export class PgFaultRules implements FaultRuleStore {
  constructor(private readonly db: Knex) {}

  async create(rule: NewFaultRule, now: Date): Promise<FaultRule> {
    const [row] = await this.db<StoredRule>('fault_rules')
      .insert({
        account: rule.account,
        operation: rule.operation,
        job_id: rule.jobId,
        effect: JSON.stringify(rule.effect),
        count: rule.count,
        probability: rule.probability,
        seed: rule.seed,
        until: rule.until,
        created_at: now,
      })
      .returning('*');
    return toRule(row as StoredRule);
  }

  async list(): Promise<FaultRule[]> {
    return ((await this.db<StoredRule>('fault_rules').select('*').orderBy('id')) as StoredRule[]).map(toRule);
  }

  async active(now: Date): Promise<FaultRule[]> {
    const rows = (await this.db<StoredRule>('fault_rules')
      .select('*')
      .where((q) => q.whereNull('count').orWhereRaw('fired < count'))
      .andWhere((q) => q.whereNull('until').orWhere('until', '>', now))
      .orderBy('id')) as StoredRule[];
    return rows.map(toRule);
  }

  async delete(id: number): Promise<boolean> {
    return (await countDeleted(this.db, 'delete from fault_rules where id = ?', [id])) > 0;
  }

  async clear(): Promise<number> {
    return countDeleted(this.db, 'delete from fault_rules');
  }

  /** How many changes the rules have seen, as committed (migration 020). */
  async version(): Promise<number> {
    const row = await this.db('fault_rules_state').where({ id: 1 }).first('version');
    return Number(row?.version ?? 0);
  }

  async consume(id: number, now: Date): Promise<{ fired: boolean } | undefined> {
    const result = await this.db.raw(CONSUME, [id, now]);
    const row = result.rows[0] as { fired_now: boolean } | undefined;
    return row && { fired: row.fired_now };
  }
}
