import { createHmac, randomBytes } from 'node:crypto';
import type { Credentials } from '../helpers/credentials';

type Parsed = Record<string, any>;

/** Who the calls act for, and how they are signed. */
export interface Signing {
  credentials: Credentials;
  algorithm: 'HMAC-SHA256' | 'HMAC-SHA1';
}

const DIGESTS = { 'HMAC-SHA256': 'sha256', 'HMAC-SHA1': 'sha1' } as const;

/**
 * A tokenPassport as NetSuite verifies it: HMAC of account&consumerKey&token&nonce&timestamp
 * keyed with consumerSecret&tokenSecret, base64, with a new nonce and the current time (NetSuite
 * refuses a nonce it has seen). Given the header's namespace (platformMsgs), node-soap writes the
 * children with that prefix too, where TokenPassport's children are not declared (platformCore),
 * and an xmlns attribute next to it comes out as a second, conflicting xmlns. So the header has
 * no prefix and makes platformCore its default namespace: the children are where the schema
 * declares them, and tokenPassport itself lands in platformCore rather than platformMsgs, which a
 * service reading headers by local name (as the emulator does) accepts.
 */
export function signedTokenPassport({ credentials, algorithm }: Signing, core: string): Parsed {
  const nonce = randomBytes(16).toString('hex');
  const timestamp = Math.floor(Date.now() / 1000);
  const base = [credentials.account, credentials.consumerKey, credentials.tokenId, nonce, timestamp].join('&');
  const signature = createHmac(DIGESTS[algorithm], `${credentials.consumerSecret}&${credentials.tokenSecret}`).update(base).digest('base64');
  return {
    tokenPassport: {
      attributes: { xmlns: core },
      account: credentials.account,
      consumerKey: credentials.consumerKey,
      token: credentials.tokenId,
      nonce,
      timestamp,
      signature: { attributes: { algorithm }, $value: signature },
    },
  };
}
