import type { Clock } from '../lib/clock';
import { isActive, type FaultEffect, type FaultRule, type FaultRuleStore, type NewFaultRule } from './fault-rule';

/**
 * Which injected fault, if any, a SOAP call gets. Each process keeps the live rules in memory, by
 * account, and reloads them when the rules' version changes: at once when this process changed
 * them, and within `refreshMs` when another did. So a call of an account without rules (nearly
 * every call) costs one map look-up and no query; only a call a rule matches pays a database
 * round trip, the guarded UPDATE that counts it, so a rule's count holds across processes.
 * Times (`until`) are the service clock's.
 */

export interface InjectedFault {
  ruleId: number;
  effect: FaultEffect;
}

export interface FaultInjectorOptions {
  refreshMs: number;
  onError(error: unknown): void;
}

export class FaultInjector {
  private byAccount = new Map<string, FaultRule[]>();
  /** Rules found used up or gone by another process, until the next reload. */
  private spent = new Set<number>();
  private version = -1;
  private loading: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: FaultRuleStore,
    private readonly clock: Clock,
    private readonly options: FaultInjectorOptions,
  ) {}

  /** Loads the rules and starts watching for changes. */
  async start(): Promise<void> {
    await this.refresh(true);
    this.timer = setInterval(() => void this.refresh(false).catch(this.options.onError), this.options.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.loading.catch(() => undefined);
  }

  /** Whether some live rule names this account and operation (no query). */
  applies(account: string, operation: string): boolean {
    const rules = this.byAccount.get(account);
    if (!rules) return false;
    const now = this.clock.now();
    return rules.some((rule) => rule.operation === operation && this.live(rule, now));
  }

  /**
   * The effect the call gets: the first rule (oldest first) that matches it and fires. A rule
   * another process used up meanwhile is skipped and dropped from this process's copy.
   */
  async take(account: string, operation: string, jobIdOf: () => string | undefined): Promise<InjectedFault | undefined> {
    for (const rule of this.byAccount.get(account) ?? []) {
      const now = this.clock.now();
      if (rule.operation !== operation || !this.live(rule, now)) continue;
      if (rule.jobId !== null && rule.jobId !== jobIdOf()) continue;
      const outcome = await this.store.consume(rule.id, now);
      if (!outcome) {
        this.spent.add(rule.id);
        continue;
      }
      rule.matched++;
      if (outcome.fired) {
        rule.fired++;
        return { ruleId: rule.id, effect: rule.effect };
      }
    }
    return undefined;
  }

  async create(rule: NewFaultRule): Promise<FaultRule> {
    const created = await this.store.create(rule, this.clock.now());
    await this.refresh(true);
    return created;
  }

  async list(): Promise<Array<FaultRule & { active: boolean; remaining: number | null }>> {
    const now = this.clock.now();
    return (await this.store.list()).map((rule) => ({ ...rule, active: isActive(rule, now), remaining: rule.count === null ? null : Math.max(0, rule.count - rule.fired) }));
  }

  async delete(id: number): Promise<boolean> {
    const deleted = await this.store.delete(id);
    await this.refresh(true);
    return deleted;
  }

  async clear(): Promise<number> {
    const deleted = await this.store.clear();
    await this.refresh(true);
    return deleted;
  }

  private live(rule: FaultRule, now: Date): boolean {
    return isActive(rule, now) && !this.spent.has(rule.id);
  }

  /** Reloads the live rules when their version moved (or always); one reload at a time. */
  private refresh(always: boolean): Promise<void> {
    this.loading = this.loading
      .catch(() => undefined)
      .then(async () => {
        const version = await this.store.version();
        if (!always && version === this.version) return;
        const rules = await this.store.active(this.clock.now());
        const byAccount = new Map<string, FaultRule[]>();
        for (const rule of rules) byAccount.set(rule.account, [...(byAccount.get(rule.account) ?? []), rule]);
        this.byAccount = byAccount;
        this.spent = new Set();
        this.version = version;
      });
    return this.loading;
  }
}
