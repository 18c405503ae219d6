import type { Account, Integration, LimitOverrides, PassportUser, Token } from './account';

/** The port the authenticator and the account service use; db/pg-account-store.ts implements it. */

export interface TokenCredentials {
  token: Token;
  tokenSecret: string;
  integration: Integration;
  consumerSecret: string;
  account: Account;
}

export interface PassportCredentials {
  user: PassportUser;
  passwordHash: string;
  account: Account;
}

export interface LoginFailure {
  at: Date;
  /** The account the request named, as sent. */
  account: string | null;
  method: 'tba' | 'passport' | 'none';
  /** The token id or email the request named. */
  credential: string | null;
  /** Why it was refused: never sent to the caller, kept for whoever runs the emulator. */
  reason: string;
}

export interface AccountDetails extends Account {
  integrations: Integration[];
  tokens: Token[];
  users: PassportUser[];
}

export interface AccountStore {
  /** The token, its integration and account; undefined when the token id is unknown. */
  findToken(tokenId: string): Promise<TokenCredentials | undefined>;
  /** The user of that account with that email (compared case-insensitively); undefined when none. */
  findPassportUser(account: string, email: string): Promise<PassportCredentials | undefined>;
  /** The account's own limits; undefined when there is no such account. */
  findAccount(id: string): Promise<Account | undefined>;
  /**
   * Records a nonce as used by the token until `expiresAt`; false when it was already used and has
   * not expired. Forgets expired nonces now and then.
   */
  useNonce(tokenId: string, nonce: string, expiresAt: Date, now: Date): Promise<boolean>;
  recordLoginFailure(failure: LoginFailure): Promise<void>;
  loginFailures(filter: { account?: string; limit: number }): Promise<LoginFailure[]>;

  listAccounts(): Promise<Account[]>;
  accountDetails(id: string): Promise<AccountDetails | undefined>;
  /** Creates or, when it exists, updates the account (name and the limits given). Returns whether it was created. */
  saveAccount(account: { id: string; name?: string; limits?: Partial<LimitOverrides> }, now: Date): Promise<boolean>;
  deleteAccount(id: string): Promise<boolean>;
  /** Creates or replaces an integration of the account; false when its consumer key belongs to another account. */
  saveIntegration(integration: { account: string; consumerKey: string; consumerSecret: string; name: string; enabled: boolean }, now: Date): Promise<boolean>;
  setIntegrationEnabled(consumerKey: string, enabled: boolean): Promise<boolean>;
  /** Creates or replaces a token; false when its token id belongs to another account or integration. */
  saveToken(token: { account: string; consumerKey: string; tokenId: string; tokenSecret: string; role: number; webServices: boolean }, now: Date): Promise<boolean>;
  /** Revokes the token; false when there is no such token. */
  revokeToken(tokenId: string, now: Date): Promise<boolean>;
  saveUser(user: { account: string; email: string; passwordHash: string; role: number; webServices: boolean }, now: Date): Promise<void>;
  deleteUser(account: string, email: string): Promise<boolean>;
}
