import { randomBytes, randomInt } from 'node:crypto';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * NetSuite-style job id: ASYNCWEBSERVICES_<account>_<27 digits>_<8 hex>. The digits are the
 * submission time (MMDDYYYYHHmmssSSS, UTC) followed by ten random digits.
 */
export function newJobId(account: string, at: Date): string {
  const stamp =
    pad(at.getUTCMonth() + 1, 2) +
    pad(at.getUTCDate(), 2) +
    pad(at.getUTCFullYear(), 4) +
    pad(at.getUTCHours(), 2) +
    pad(at.getUTCMinutes(), 2) +
    pad(at.getUTCSeconds(), 2) +
    pad(at.getUTCMilliseconds(), 3);
  const random = pad(randomInt(0, 100_000), 5) + pad(randomInt(0, 100_000), 5);
  return `ASYNCWEBSERVICES_${account}_${stamp}${random}_${randomBytes(4).toString('hex')}`;
}
