import { createHmac, randomBytes } from 'node:crypto';
import { normalizeAccountId } from '../../src/jobs/account-id';

/**
 * Credentials for tests. Every test account has the same kind of credentials, derived from its id
 * (consumer key `ck-<ACCOUNT>`, token `tk-<ACCOUNT>`, …), and is created through the admin API the
 * first time a signed header for it is posted (see postSoap), so tests name accounts freely and
 * every SOAP request still passes real token-based authentication.
 */

export interface Credentials {
  account: string;
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

export const TEST_TOKEN_PREFIX = 'tk-';

export function testCredentials(account: string): Credentials {
  const id = normalizeAccountId(account);
  return { account, consumerKey: `ck-${id}`, consumerSecret: `cs-${id}-secret`, tokenId: `${TEST_TOKEN_PREFIX}${id}`, tokenSecret: `ts-${id}-secret` };
}

export const newNonce = () => randomBytes(15).toString('hex');
export const unixNow = () => Math.floor(Date.now() / 1000);

export interface PassportParts {
  account: string;
  consumerKey: string;
  token: string;
  nonce: string;
  timestamp: string | number;
  signature: string;
  algorithm: string;
}

/** Signs as NetSuite expects: HMAC over account&consumerKey&token&nonce&timestamp, key consumerSecret&tokenSecret. */
export function signTokenPassport(credentials: Credentials, options: { nonce?: string; timestamp?: number; algorithm?: 'sha256' | 'sha1'; spelling?: string } = {}): PassportParts {
  const nonce = options.nonce ?? newNonce();
  const timestamp = options.timestamp ?? unixNow();
  const algorithm = options.algorithm ?? 'sha256';
  const base = [credentials.account, credentials.consumerKey, credentials.tokenId, nonce, timestamp].join('&');
  const signature = createHmac(algorithm, `${credentials.consumerSecret}&${credentials.tokenSecret}`).update(base).digest('base64');
  return {
    account: credentials.account,
    consumerKey: credentials.consumerKey,
    token: credentials.tokenId,
    nonce,
    timestamp,
    signature,
    algorithm: options.spelling ?? (algorithm === 'sha256' ? 'HMAC-SHA256' : 'HMAC-SHA1'),
  };
}

/** A tokenPassport header element in platformCore's namespace of the version. */
export function tokenPassportXml(parts: PassportParts, version: string): string {
  const core = `urn:core_${version}.platform.webservices.netsuite.com`;
  return (
    `<tokenPassport xmlns="${core}"><account>${parts.account}</account><consumerKey>${parts.consumerKey}</consumerKey>` +
    `<token>${parts.token}</token><nonce>${parts.nonce}</nonce><timestamp>${parts.timestamp}</timestamp>` +
    `<signature algorithm="${parts.algorithm}">${parts.signature}</signature></tokenPassport>`
  );
}

const provisioned = new Map<string, Promise<void>>();

/** Creates the test account with its credentials (once per server). */
export function ensureTestAccount(url: string, account: string, adminToken: string): Promise<void> {
  const credentials = testCredentials(account);
  const id = normalizeAccountId(account);
  const key = `${url}|${id}`;
  let done = provisioned.get(key);
  if (!done) {
    done = (async () => {
      const post = async (path: string, body: unknown, allowed: number[]) => {
        const response = await fetch(`${url}/admin${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
          body: JSON.stringify(body),
        });
        if (!allowed.includes(response.status)) throw new Error(`POST /admin${path} answered ${response.status}: ${await response.text()}`);
      };
      await post('/accounts', { id }, [201, 409]);
      await post(`/accounts/${id}/integrations`, { name: 'tests', consumerKey: credentials.consumerKey, consumerSecret: credentials.consumerSecret }, [201]);
      await post(`/accounts/${id}/tokens`, { consumerKey: credentials.consumerKey, tokenId: credentials.tokenId, tokenSecret: credentials.tokenSecret }, [201]);
    })();
    done.catch(() => provisioned.delete(key));
    provisioned.set(key, done);
  }
  return done;
}

/** The test accounts a request's signed headers name (by their test token ids). */
export function testAccountsIn(xml: string): string[] {
  return [...xml.matchAll(/<(?:[\w.-]+:)?token>tk-([A-Za-z0-9_-]{1,40})<\/(?:[\w.-]+:)?token>/g)].map((match) => match[1]);
}
