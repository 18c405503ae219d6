import { randomFillSync } from 'node:crypto';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * NetSuite-style ids: <prefix>_<account>_<27 digits>_<8 hex>. The digits are the time
 * (MMDDYYYYHHmmssSSS, UTC) followed by ten random digits.
 */
function newId(prefix: string, account: string, at: Date, random?: Buffer): string {
  const stamp = stampOf(at);
  const tail = random ? `${digitsOf(random)}_${random.readUInt32LE(8).toString(16).padStart(8, '0')}` : `${randomDigits()}_${randomHex()}`;
  return `${prefix}_${account}_${stamp}${tail}`;
}

// Under a polling storm every answer's nsId is made within a few milliseconds of the last one's:
// the stamp of the last millisecond seen is kept.
let lastMs = Number.NaN;
let lastStamp = '';

/** MMDDYYYYHHmmssSSS of a time, in UTC. */
function stampOf(at: Date): string {
  const ms = at.getTime();
  if (ms === lastMs) return lastStamp;
  lastStamp =
    pad(at.getUTCMonth() + 1, 2) +
    pad(at.getUTCDate(), 2) +
    pad(at.getUTCFullYear(), 4) +
    pad(at.getUTCHours(), 2) +
    pad(at.getUTCMinutes(), 2) +
    pad(at.getUTCSeconds(), 2) +
    pad(at.getUTCMilliseconds(), 3);
  lastMs = ms;
  return lastStamp;
}

/** Ten digits from a seeded block's first eight bytes (the slight bias of a remainder does not matter here). */
const digitsOf = (block: Buffer): string => pad(block.readUInt32LE(0) % 100_000, 5) + pad(block.readUInt32LE(4) % 100_000, 5);

// Random bytes drawn from the system a few kilobytes at a time: one call per id cost more than
// the rest of building a status answer.
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomUint32(): number {
  if (used + 4 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const value = pool.readUInt32LE(used);
  used += 4;
  return value;
}

/** Ten random digits: two uniform draws of five (a value past the last whole 100,000 is drawn again). */
function randomDigits(): string {
  const five = () => {
    const limit = 4_294_900_000; // the largest multiple of 100,000 below 2^32
    let value = randomUint32();
    while (value >= limit) value = randomUint32();
    return pad(value % 100_000, 5);
  };
  return five() + five();
}

const randomHex = (): string => randomUint32().toString(16).padStart(8, '0');

/** A job id, e.g. ASYNCWEBSERVICES_TSTDRV1234567_112320260659429237716982536_edca99ea. */
export const newJobId = (account: string, at: Date): string => newId('ASYNCWEBSERVICES', account, at);

/** The nsId of a response's documentInfo header, e.g. WEBSERVICES_TSTDRV1234567_1123…_3f9a0c1d. */
export const newRequestId = (account: string, at: Date): string => newId('WEBSERVICES', account, at);

/** The same ids with their random part taken from a block of at least 12 bytes (a seeded one: see id-source.ts). */
export const jobIdFrom = (account: string, at: Date, block: Buffer): string => newId('ASYNCWEBSERVICES', account, at, block);
export const requestIdFrom = (account: string, at: Date, block: Buffer): string => newId('WEBSERVICES', account, at, block);
