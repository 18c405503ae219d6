/**
 * Saved searches: an advanced search kept under an internalId and a customsearch… script id, run
 * by either (an advanced search's savedSearchId or savedSearchScriptId) and listed by getSavedSearch.
 */

export interface SavedSearch {
  account: string;
  internalId: string;
  /** Lower case, as NetSuite keeps script ids: customsearch_open_so. */
  scriptId: string;
  title: string;
  /** Its SearchRecordType: customer, transaction, … */
  searchType: string;
  /** The advanced search it is: TransactionSearchAdvanced. */
  advancedType: string;
  /** The SuiteTalk version whose namespaces `definition` is written in. */
  version: string;
  /** The advanced search's XML, as a SOAP searchRecord holds it: criteria and columns. */
  definition: string;
}

export type SavedSearchInput = Omit<SavedSearch, 'internalId'> & { internalId?: string };

export type SavedSearchRef = { internalId: string } | { scriptId: string };

export type PutSavedSearchOutcome = { kind: 'stored'; search: SavedSearch } | { kind: 'taken'; field: 'internalId' | 'scriptId' };

export interface SavedSearchStore {
  /** Stores one under its internalId, or the account's next one; 'taken' when its internalId or script id is in use. */
  put(input: SavedSearchInput, now: Date): Promise<PutSavedSearchOutcome>;
  /** The account's saved search of that internalId or script id (any case). */
  find(account: string, ref: SavedSearchRef): Promise<SavedSearch | undefined>;
  /** The account's saved searches, of one SearchRecordType or all, by internalId. */
  list(account: string, searchType?: string): Promise<SavedSearch[]>;
  /** False when the account has none of that internalId. */
  remove(account: string, internalId: string): Promise<boolean>;
}

/** What reading a definition tells: the advanced search it is, its record type and version. */
export interface SavedSearchShape {
  advancedType: string;
  searchType: string;
  version: string;
}

/** Reads a definition's XML (the SOAP face does), throwing a ValidationError that names what is wrong. */
export type SavedSearchReader = (definition: string) => SavedSearchShape;

/** A script id as NetSuite makes them: customsearch, then letters, digits and underscores; 40 characters at most. */
export const SCRIPT_ID_PATTERN = /^customsearch[a-z0-9_]{0,28}$/;

/** A saved search's internalId given: a whole number from 1 to 999,999,999 (the next one taken stays within what a look-up takes). */
export const SAVED_SEARCH_ID_PATTERN = /^[1-9]\d{0,8}$/;
