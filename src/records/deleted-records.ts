import type { Criterion } from './search';

/** A record a delete removed, as getDeleted lists it. */
export interface DeletedRecord {
  recordType: string;
  internalId: string;
  externalId: string | null;
  deletedAt: Date;
}

/** getDeleted's filter read into criteria: on `deletedDate`, `type` (the record type) and `scriptId` (none here). */
export interface DeletedFilter {
  criteria: Criterion[];
}

export interface DeletedRecords {
  /** The account's deleted records meeting every criterion, newest first, `count` from `offset`, and how many there are. */
  page(account: string, filter: DeletedFilter, offset: number, count: number): Promise<{ total: number; records: DeletedRecord[] }>;
}
