/** What an account id may be written with, as NetSuite's are (TSTDRV1234567, 1234567_SB1). */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
export const ACCOUNT_ID_RULE = 'must be 1-40 letters, digits, _ or - (e.g. TSTDRV1234567 or 1234567_SB1)';

/**
 * NetSuite account ids compare without regard to case, and a sandbox's suffix is written both
 * `_SB1` and `-sb1`: every id is kept in one form, upper case with underscores.
 */
export const normalizeAccountId = (id: string): string => id.trim().toUpperCase().replaceAll('-', '_');
