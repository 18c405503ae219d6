const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether Postgres can keep a string as text or inside jsonb: no NUL character (text refuses it)
 * and no unpaired surrogate (jsonb refuses its escape, and UTF-8 has no encoding for it).
 */
export const isStorableText = (value: string): boolean => !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with what Postgres cannot keep (see isStorableText) replaced by U+FFFD. */
export const storableText = (value: string): string => (isStorableText(value) ? value : value.replace(UNSTORABLE, '\uFFFD'));
