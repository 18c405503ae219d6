import { hotQuery } from './hot-query';
import type { Database } from './database';
import type { Account, Integration, LimitOverrides, PassportUser, Token } from '../accounts/account';
import type { AccountDetails, AccountStore, LoginFailure, PassportCredentials, TokenCredentials } from '../accounts/account-store';

/** The AccountStore on Postgres: accounts, integrations, tokens, passport users, nonces, the login audit. */

interface AccountRow {
  id: string;
  name: string;
  concurrent_requests: number | null;
  max_result_calls: number | null;
  min_poll_interval_seconds: number | null;
  response_delay_ms: number | null;
  created_at: Date;
}
interface IntegrationRow {
  consumer_key: string;
  account: string;
  name: string;
  consumer_secret: string;
  enabled: boolean;
  created_at: Date;
}
interface TokenRow {
  token_id: string;
  account: string;
  consumer_key: string;
  token_secret: string;
  role: number;
  web_services: boolean;
  created_at: Date;
  revoked_at: Date | null;
}
interface UserRow {
  account: string;
  email: string;
  password_hash: string;
  role: number;
  web_services: boolean;
  created_at: Date;
}

const LIMIT_COLUMNS: Record<keyof LimitOverrides, keyof AccountRow> = {
  concurrentRequests: 'concurrent_requests',
  maxResultCalls: 'max_result_calls',
  minPollIntervalSeconds: 'min_poll_interval_seconds',
  responseDelayMs: 'response_delay_ms',
};
/** Login failures kept; older ones are dropped as new ones come. */
const AUDIT_ROWS_KEPT = 10_000;
/** Longest text kept of what a refused request named (it is the caller's, and unbounded). */
const AUDIT_TEXT_MAX = 200;

const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  name: row.name,
  limits: {
    concurrentRequests: row.concurrent_requests,
    maxResultCalls: row.max_result_calls,
    minPollIntervalSeconds: row.min_poll_interval_seconds,
    responseDelayMs: row.response_delay_ms,
  },
  createdAt: new Date(row.created_at),
});
const toIntegration = (row: IntegrationRow): Integration => ({
  consumerKey: row.consumer_key,
  account: row.account,
  name: row.name,
  enabled: row.enabled,
  createdAt: new Date(row.created_at),
});
const toToken = (row: TokenRow): Token => ({
  tokenId: row.token_id,
  account: row.account,
  consumerKey: row.consumer_key,
  role: row.role,
  webServices: row.web_services,
  createdAt: new Date(row.created_at),
  revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
});
const toUser = (row: UserRow): PassportUser => ({
  account: row.account,
  email: row.email,
  role: row.role,
  webServices: row.web_services,
  createdAt: new Date(row.created_at),
});
const ACCOUNT_COLUMNS = 'id, name, concurrent_requests, max_result_calls, min_poll_interval_seconds, response_delay_ms, created_at';
const FIND_ACCOUNT_SQL = `select ${ACCOUNT_COLUMNS} from accounts where id = $1`;
const FIND_TOKEN_SQL = `select t.token_id, t.account, t.consumer_key, t.token_secret, t.role, t.web_services, t.created_at, t.revoked_at,
       i.name as i_name, i.consumer_secret as i_consumer_secret, i.enabled as i_enabled, i.created_at as i_created_at,
       a.name as a_name, a.concurrent_requests as a_concurrent_requests, a.max_result_calls as a_max_result_calls,
       a.min_poll_interval_seconds as a_min_poll_interval_seconds, a.response_delay_ms as a_response_delay_ms, a.created_at as a_created_at
  from tokens t join integrations i on i.consumer_key = t.consumer_key join accounts a on a.id = t.account
 where t.token_id = $1`;
const clip = (value: string | null) => (value === null ? null : value.slice(0, AUDIT_TEXT_MAX));

export class PgAccountStore implements AccountStore {
  private auditWrites = 0;

  constructor(private readonly db: Database) {}

  /**
   * One query: the token with its integration and account; undefined when the id is unknown. A
   * hot statement, as findAccount's: a cache in front of the store reads each again every second.
   */
  async findToken(tokenId: string): Promise<TokenCredentials | undefined> {
    const [row] = await hotQuery<TokenRow & Record<string, unknown>>(this.db, 'find_token', FIND_TOKEN_SQL, [tokenId]);
    if (!row) return undefined;
    return {
      token: toToken(row),
      tokenSecret: row.token_secret,
      integration: toIntegration({
        consumer_key: row.consumer_key,
        account: row.account,
        name: row.i_name as string,
        consumer_secret: row.i_consumer_secret as string,
        enabled: row.i_enabled as boolean,
        created_at: row.i_created_at as Date,
      }),
      consumerSecret: row.i_consumer_secret as string,
      account: toAccount({
        id: row.account,
        name: row.a_name as string,
        concurrent_requests: row.a_concurrent_requests as number | null,
        max_result_calls: row.a_max_result_calls as number | null,
        min_poll_interval_seconds: row.a_min_poll_interval_seconds as number | null,
        response_delay_ms: row.a_response_delay_ms as number | null,
        created_at: row.a_created_at as Date,
      }),
    };
  }

  /** Undefined when the account has no user with that email (case ignored). */
  async findPassportUser(account: string, email: string): Promise<PassportCredentials | undefined> {
    const user = await this.db.knex<UserRow>('passport_users').where({ account }).whereRaw('lower(email) = lower(?)', [email]).first();
    if (!user) return undefined;
    const owner = await this.db.knex<AccountRow>('accounts').where({ id: account }).first();
    return owner ? { user: toUser(user), passwordHash: user.password_hash, account: toAccount(owner) } : undefined;
  }

  async findAccount(id: string): Promise<Account | undefined> {
    const [row] = await hotQuery<AccountRow>(this.db, 'find_account', FIND_ACCOUNT_SQL, [id]);
    return row ? toAccount(row) : undefined;
  }

  /** The primary key (token, nonce) decides: a second insert of a live nonce inserts nothing. */
  useNonce(tokenId: string, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    // Signed requests arriving while the database is busy record their nonces in one statement,
    // with their polls' status reads (src/db/request-path-batch.ts).
    return this.db.requestPath.useNonce({ tokenId, nonce, expiresAt, now });
  }

  /** Keeps the newest failures only, so refused requests cannot fill the disk. */
  async recordLoginFailure(failure: LoginFailure): Promise<void> {
    const [row] = await this.db
      .knex('login_audit')
      .insert({ at: failure.at, account: clip(failure.account), method: failure.method, credential: clip(failure.credential), reason: failure.reason })
      .returning('id');
    if (++this.auditWrites % 100 === 0) {
      await this.db
        .knex('login_audit')
        .where('id', '<=', Number(row.id) - AUDIT_ROWS_KEPT)
        .delete();
    }
  }

  async loginFailures(filter: { account?: string; limit: number }): Promise<LoginFailure[]> {
    const query = this.db.knex('login_audit').orderBy('id', 'desc').limit(filter.limit);
    if (filter.account) query.whereRaw("upper(replace(account, '-', '_')) = ?", [filter.account]);
    const rows = await query.select('at', 'account', 'method', 'credential', 'reason');
    return rows.map((row) => ({ ...row, at: new Date(row.at) }));
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.db.knex<AccountRow>('accounts').orderBy('id')).map(toAccount);
  }

  async accountDetails(id: string): Promise<AccountDetails | undefined> {
    const account = await this.findAccount(id);
    if (!account) return undefined;
    // One after another: inside a transaction (a reset, fixtures) they share one connection,
    // which pg wants given one query at a time.
    const integrations = await this.db.knex<IntegrationRow>('integrations').where({ account: id }).orderBy('created_at');
    const tokens = await this.db.knex<TokenRow>('tokens').where({ account: id }).orderBy('created_at');
    const users = await this.db.knex<UserRow>('passport_users').where({ account: id }).orderBy('email');
    return { ...account, integrations: integrations.map(toIntegration), tokens: tokens.map(toToken), users: users.map(toUser) };
  }

  async saveAccount(account: { id: string; name?: string; limits?: Partial<LimitOverrides> }, now: Date): Promise<boolean> {
    const limits: Record<string, number | null> = {};
    for (const [key, value] of Object.entries(account.limits ?? {})) {
      if (value !== undefined) limits[LIMIT_COLUMNS[key as keyof LimitOverrides]] = value;
    }
    const changes = { ...(account.name !== undefined ? { name: account.name } : {}), ...limits };
    const query = this.db
      .knex('accounts')
      .insert({ id: account.id, name: account.name ?? account.id, created_at: now, ...limits })
      .onConflict('id');
    // xmax = 0 only on a row this statement inserted.
    const [row] = await (Object.keys(changes).length > 0 ? query.merge(changes) : query.merge({ id: account.id })).returning(this.db.knex.raw('(xmax = 0) as created'));
    return Boolean(row.created);
  }

  async deleteAccount(id: string): Promise<boolean> {
    // Counted from returning rows: knex-pglite answers a bare delete with its raw result.
    return (await this.db.knex('accounts').where({ id }).delete().returning('id')).length > 0;
  }

  async saveIntegration(integration: { account: string; consumerKey: string; consumerSecret: string; name: string; enabled: boolean }, now: Date): Promise<boolean> {
    const rows = await this.db
      .knex('integrations')
      .insert({
        consumer_key: integration.consumerKey,
        account: integration.account,
        name: integration.name,
        consumer_secret: integration.consumerSecret,
        enabled: integration.enabled,
        created_at: now,
      })
      .onConflict('consumer_key')
      .merge(['name', 'consumer_secret', 'enabled'])
      .where('integrations.account', integration.account)
      .returning('consumer_key');
    return rows.length > 0;
  }

  async setIntegrationEnabled(consumerKey: string, enabled: boolean): Promise<boolean> {
    return (await this.db.knex('integrations').where({ consumer_key: consumerKey }).update({ enabled })) > 0;
  }

  async saveToken(token: { account: string; consumerKey: string; tokenId: string; tokenSecret: string; role: number; webServices: boolean }, now: Date): Promise<boolean> {
    const rows = await this.db
      .knex('tokens')
      .insert({
        token_id: token.tokenId,
        account: token.account,
        consumer_key: token.consumerKey,
        token_secret: token.tokenSecret,
        role: token.role,
        web_services: token.webServices,
        created_at: now,
      })
      .onConflict('token_id')
      .merge({ token_secret: token.tokenSecret, role: token.role, web_services: token.webServices, revoked_at: null })
      .where('tokens.account', token.account)
      .andWhere('tokens.consumer_key', token.consumerKey)
      .returning('token_id');
    return rows.length > 0;
  }

  async revokeToken(tokenId: string, now: Date): Promise<boolean> {
    const updated = await this.db
      .knex('tokens')
      .where({ token_id: tokenId })
      .update({ revoked_at: this.db.knex.raw('coalesce(revoked_at, ?)', [now]) });
    return updated > 0;
  }

  async saveUser(user: { account: string; email: string; passwordHash: string; role: number; webServices: boolean }, now: Date): Promise<void> {
    await this.db
      .knex('passport_users')
      .insert({ account: user.account, email: user.email, password_hash: user.passwordHash, role: user.role, web_services: user.webServices, created_at: now })
      .onConflict(['account', 'email'])
      .merge(['password_hash', 'role', 'web_services']);
  }

  async deleteUser(account: string, email: string): Promise<boolean> {
    return (await this.db.knex('passport_users').where({ account }).whereRaw('lower(email) = lower(?)', [email]).delete().returning('email')).length > 0;
  }
}
