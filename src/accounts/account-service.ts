import type { Clock } from '../lib/clock';
import { ConflictError, NotFoundError } from '../lib/errors';
import { normalizeAccountId } from '../jobs/account-id';
import type { Account, LimitOverrides } from './account';
import type { AccountDetails, AccountStore, LoginFailure } from './account-store';
import { hashPassword } from './token-passport';
import { randomIds, type IdSource } from '../jobs/id-source';

/**
 * Managing accounts and their credentials: the admin API and the seed file both come through
 * here. Secrets are generated when not given and shown once, on creation, as NetSuite does.
 */

export interface NewIntegration {
  name: string;
  consumerKey?: string;
  consumerSecret?: string;
  enabled?: boolean;
}

export interface NewToken {
  consumerKey: string;
  tokenId?: string;
  tokenSecret?: string;
  role?: number;
  webServices?: boolean;
}

export interface NewUser {
  email: string;
  password: string;
  role?: number;
  webServices?: boolean;
}

/** NetSuite's Administrator role. */
export const ADMINISTRATOR_ROLE = 3;

export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock,
    /** Makes up the keys and secrets not given: 64 hex characters, the shape of NetSuite's. */
    private readonly ids: IdSource = randomIds,
  ) {}

  list(): Promise<Account[]> {
    return this.store.listAccounts();
  }

  async details(id: string): Promise<AccountDetails> {
    const details = await this.store.accountDetails(normalizeAccountId(id));
    if (!details) throw new NotFoundError(`No account ${id}.`);
    return details;
  }

  /** Creates the account; a ConflictError when it exists already. */
  async create(input: { id: string; name?: string; limits?: Partial<LimitOverrides> }): Promise<AccountDetails> {
    const id = normalizeAccountId(input.id);
    if (await this.store.findAccount(id)) throw new ConflictError('id', `Account ${id} exists already.`);
    await this.store.saveAccount({ ...input, id }, this.clock.now());
    return this.details(id);
  }

  /** Changes the name or limits given (null: back to the service-wide setting). */
  async update(id: string, input: { name?: string; limits?: Partial<LimitOverrides> }): Promise<AccountDetails> {
    const account = await this.details(id);
    await this.store.saveAccount({ id: account.id, ...input }, this.clock.now());
    return this.details(account.id);
  }

  /** Creates or updates the account as given: the seed file's way. */
  async ensure(input: { id: string; name?: string; limits?: Partial<LimitOverrides> }): Promise<boolean> {
    return this.store.saveAccount({ ...input, id: normalizeAccountId(input.id) }, this.clock.now());
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.deleteAccount(normalizeAccountId(id)))) throw new NotFoundError(`No account ${id}.`);
  }

  async addIntegration(accountId: string, input: NewIntegration): Promise<{ consumerKey: string; consumerSecret: string }> {
    const account = await this.details(accountId);
    const [consumerKey, consumerSecret] = await this.madeUp(account.id, [input.consumerKey, input.consumerSecret]);
    const saved = await this.store.saveIntegration({ account: account.id, consumerKey, consumerSecret, name: input.name, enabled: input.enabled ?? true }, this.clock.now());
    if (!saved) throw new ConflictError('consumerKey', 'That consumer key belongs to an integration of another account.');
    return { consumerKey, consumerSecret };
  }

  async setIntegrationEnabled(consumerKey: string, enabled: boolean): Promise<void> {
    if (!(await this.store.setIntegrationEnabled(consumerKey, enabled))) throw new NotFoundError('No integration with that consumer key.');
  }

  async addToken(accountId: string, input: NewToken): Promise<{ tokenId: string; tokenSecret: string }> {
    const account = await this.details(accountId);
    if (!account.integrations.some((integration) => integration.consumerKey === input.consumerKey)) {
      throw new NotFoundError(`Account ${account.id} has no integration with that consumer key.`);
    }
    const [tokenId, tokenSecret] = await this.madeUp(account.id, [input.tokenId, input.tokenSecret]);
    const saved = await this.store.saveToken(
      { account: account.id, consumerKey: input.consumerKey, tokenId, tokenSecret, role: input.role ?? ADMINISTRATOR_ROLE, webServices: input.webServices ?? true },
      this.clock.now(),
    );
    if (!saved) throw new ConflictError('tokenId', 'That token id belongs to another account or integration.');
    return { tokenId, tokenSecret };
  }

  async revokeToken(tokenId: string): Promise<void> {
    if (!(await this.store.revokeToken(tokenId, this.clock.now()))) throw new NotFoundError('No such token.');
  }

  async addUser(accountId: string, input: NewUser): Promise<void> {
    const account = await this.details(accountId);
    await this.store.saveUser(
      {
        account: account.id,
        email: input.email.trim().toLowerCase(),
        passwordHash: hashPassword(input.password),
        role: input.role ?? ADMINISTRATOR_ROLE,
        webServices: input.webServices ?? true,
      },
      this.clock.now(),
    );
  }

  async removeUser(accountId: string, email: string): Promise<void> {
    if (!(await this.store.deleteUser(normalizeAccountId(accountId), email))) throw new NotFoundError(`Account ${accountId} has no user ${email}.`);
  }

  /** The values given, with those missing made up (in one take of the account's ids). */
  private async madeUp(account: string, given: Array<string | undefined>): Promise<string[]> {
    const made = await this.ids.credentials(account, given.filter((value) => value === undefined).length);
    return given.map((value) => value ?? (made.shift() as string));
  }

  loginFailures(filter: { account?: string; limit: number }): Promise<LoginFailure[]> {
    return this.store.loginFailures({ ...filter, account: filter.account && normalizeAccountId(filter.account) });
  }
}
