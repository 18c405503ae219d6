/**
 * Accounts and who may act for them. An account owns integrations (a consumer key and secret
 * each); a token binds an integration to a role in the account; passport users log in with an
 * email and password (SOAP versions up to 2020_1). Every job and record belongs to one account.
 */

/** NetSuite's governance limits, and its pace, as they apply to one account (0 switches one off). */
export interface Limits {
  concurrentRequests: number;
  maxResultCalls: number;
  minPollIntervalSeconds: number;
  /** How long each SOAP answer of the account takes at least, as NetSuite's take time. */
  responseDelayMs: number;
}

/** An account's own limits; null where it takes the service-wide setting. */
export type LimitOverrides = { [K in keyof Limits]: number | null };

export interface Account {
  id: string;
  name: string;
  limits: LimitOverrides;
  createdAt: Date;
}

export interface Integration {
  consumerKey: string;
  account: string;
  name: string;
  enabled: boolean;
  createdAt: Date;
}

export interface Token {
  tokenId: string;
  account: string;
  consumerKey: string;
  role: number;
  /** Whether the token's role has the Web Services permission. */
  webServices: boolean;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface PassportUser {
  account: string;
  email: string;
  role: number;
  webServices: boolean;
  createdAt: Date;
}

/** What a request was authenticated as. */
export interface Principal {
  account: string;
  method: 'tba' | 'passport' | 'none';
  /** The token id or the user's email; null when authentication is off. */
  credential: string | null;
  limits: Limits;
  /** The session the request rode on (JSESSIONID), when it carried no credentials of its own. */
  sessionId?: string;
}

export function effectiveLimits(overrides: LimitOverrides | undefined, defaults: Limits): Limits {
  return {
    concurrentRequests: overrides?.concurrentRequests ?? defaults.concurrentRequests,
    maxResultCalls: overrides?.maxResultCalls ?? defaults.maxResultCalls,
    minPollIntervalSeconds: overrides?.minPollIntervalSeconds ?? defaults.minPollIntervalSeconds,
    responseDelayMs: overrides?.responseDelayMs ?? defaults.responseDelayMs,
  };
}
