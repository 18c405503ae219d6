import { createHmac, randomBytes } from 'node:crypto';
import { jobIdFrom, newJobId, newRequestId, requestIdFrom } from './job-id';

/**
 * Where generated ids come from: random bytes, or, when a seed is set for the id's scope (its
 * account, or every account), bytes derived from the seed and the scope's count of ids of that
 * kind, kept in Postgres so every server process takes the next one. Run twice from the same
 * reset with the same seed, the same requests in the same order get the same ids.
 */

export const ID_KINDS = ['jobId', 'nsId', 'sysId', 'credential'] as const;
export type IdKind = (typeof ID_KINDS)[number];

/** The seeded side: `count` 32-byte blocks of the kind for the scope, or undefined when it has no seed. */
export interface SeededBlocks {
  take(scope: string, kind: IdKind, count: number): Promise<Buffer[] | undefined>;
  /** True when it knows, without waiting, that the scope has no seed (so take would give undefined). */
  knownUnseeded?(scope: string): boolean;
}

/** The `index`th block (0-based) of a kind in a scope under a seed. */
export function derivedBlock(seed: string, scope: string, kind: IdKind, index: number): Buffer {
  return createHmac('sha256', seed).update(`${scope}\n${kind}\n${index}`).digest();
}

const hex = (block: Buffer) => block.toString('hex');

export class IdSource {
  constructor(private readonly seeded: SeededBlocks | null) {}

  /** A job id of the account at `at` (its digits start with the time, as NetSuite's do). */
  async jobId(account: string, at: Date): Promise<string> {
    const [block] = (await this.seeded?.take(account, 'jobId', 1)) ?? [];
    return block ? jobIdFrom(account, at, block) : newJobId(account, at);
  }

  /** The nsId of an answer's documentInfo. */
  async requestId(account: string, at: Date): Promise<string> {
    // Every answer makes one: without a seed it waits on nothing.
    if (!this.seeded || this.seeded.knownUnseeded?.(account)) return newRequestId(account, at);
    const [block] = (await this.seeded.take(account, 'nsId', 1)) ?? [];
    return block ? requestIdFrom(account, at, block) : newRequestId(account, at);
  }

  /** ServiceNow sys_ids (32 hex characters) for a job and its steps. */
  async sysIds(account: string, count: number): Promise<string[]> {
    return this.blocks(account, 'sysId', count, 16);
  }

  /** Keys, secrets and token ids the admin API makes up: 64 hex characters, as NetSuite's. */
  async credentials(account: string, count: number): Promise<string[]> {
    return this.blocks(account, 'credential', count, 32);
  }

  private async blocks(account: string, kind: IdKind, count: number, bytes: number): Promise<string[]> {
    if (count === 0) return [];
    const seeded = await this.seeded?.take(account, kind, count);
    return seeded ? seeded.map((block) => hex(block.subarray(0, bytes))) : Array.from({ length: count }, () => hex(randomBytes(bytes)));
  }
}

/** Ids from random bytes only: for tests and tools without a database. */
export const randomIds = new IdSource(null);
