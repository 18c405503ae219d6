import { createHmac, scrypt, scryptSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Token-based authentication as NetSuite computes it: the base string
 * `account&consumerKey&token&nonce&timestamp`, keyed with `consumerSecret&tokenSecret`, HMAC
 * (SHA-256 or SHA-1), base64.
 */

export interface TokenPassport {
  account: string;
  consumerKey: string;
  token: string;
  nonce: string;
  timestamp: string;
  signature: string;
  /** As the client wrote it in signature/@algorithm. */
  algorithm: string;
}

export type HmacAlgorithm = 'sha256' | 'sha1';

/** HMAC-SHA256 and HMAC-SHA1 in the spellings clients send (`HMAC-SHA256`, `HMAC_SHA256`, any case). */
export function hmacAlgorithm(spelling: string): HmacAlgorithm | undefined {
  const normalized = spelling.trim().toUpperCase().replace('_', '-');
  if (normalized === 'HMAC-SHA256') return 'sha256';
  if (normalized === 'HMAC-SHA1') return 'sha1';
  return undefined;
}

export function signatureBase(passport: Pick<TokenPassport, 'account' | 'consumerKey' | 'token' | 'nonce' | 'timestamp'>): string {
  // Not Array.join, which makes a two-byte string of parsed ("thin") strings: HMAC then reads it slower.
  return `${passport.account}&${passport.consumerKey}&${passport.token}&${passport.nonce}&${passport.timestamp}`;
}

export function sign(base: string, consumerSecret: string, tokenSecret: string, algorithm: HmacAlgorithm): string {
  return createHmac(algorithm, `${consumerSecret}&${tokenSecret}`).update(base).digest('base64');
}

/** Compares two signatures or secrets in time that depends only on their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A NetSuite nonce: 6 to 64 letters and digits. */
export const NONCE_PATTERN = /^[A-Za-z0-9]{6,64}$/;

/** Unix seconds, as xsd:long digits. */
export const TIMESTAMP_PATTERN = /^\d{1,12}$/;

const SCRYPT_KEY_LENGTH = 32;

/** A password as stored: scrypt with a random salt, `scrypt$<salt>$<hash>` in base64url. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, SCRYPT_KEY_LENGTH).toString('base64url')}`;
}

/** Runs scrypt on libuv's threadpool, never on the event loop (PasswordChecks bounds how many at once). */
export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, Buffer.from(salt, 'base64url'), expected.length, (error, key) => (error ? reject(error) : resolve(key)));
  });
  return timingSafeEqual(actual, expected);
}

/** A stored hash to compare against when there is no such user, so both cases cost the same. */
export const UNUSABLE_PASSWORD_HASH = hashPassword(randomBytes(16).toString('hex'));
