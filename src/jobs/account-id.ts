/**
 * NetSuite account ids compare without regard to case, and a sandbox's suffix is written both
 * `_SB1` and `-sb1`: every id is kept in one form, upper case with underscores.
 */
export const normalizeAccountId = (id: string): string => id.trim().toUpperCase().replaceAll('-', '_');
