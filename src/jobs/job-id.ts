import { randomBytes, randomInt } from 'node:crypto';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * NetSuite-style ids: <prefix>_<account>_<27 digits>_<8 hex>. The digits are the time
 * (MMDDYYYYHHmmssSSS, UTC) followed by ten random digits.
 */
function newId(prefix: string, account: string, at: Date): string {
  const stamp =
    pad(at.getUTCMonth() + 1, 2) +
    pad(at.getUTCDate(), 2) +
    pad(at.getUTCFullYear(), 4) +
    pad(at.getUTCHours(), 2) +
    pad(at.getUTCMinutes(), 2) +
    pad(at.getUTCSeconds(), 2) +
    pad(at.getUTCMilliseconds(), 3);
  const random = pad(randomInt(0, 100_000), 5) + pad(randomInt(0, 100_000), 5);
  return `${prefix}_${account}_${stamp}${random}_${randomBytes(4).toString('hex')}`;
}

/** A job id, e.g. ASYNCWEBSERVICES_TSTDRV1234567_112320260659429237716982536_edca99ea. */
export const newJobId = (account: string, at: Date): string => newId('ASYNCWEBSERVICES', account, at);

/** The nsId of a response's documentInfo header, e.g. WEBSERVICES_TSTDRV1234567_1123…_3f9a0c1d. */
export const newRequestId = (account: string, at: Date): string => newId('WEBSERVICES', account, at);
