/**
 * The text this service keeps is XML 1.0's Char production (tab, LF, CR, U+0020–U+D7FF,
 * U+E000–U+FFFD, U+10000 and up). That leaves out what Postgres cannot store (NUL: text refuses
 * it; an unpaired surrogate: jsonb refuses its escape and UTF-8 has no encoding for it) and what a
 * SOAP or GlideAjax answer cannot carry (the other C0 controls, U+FFFE, U+FFFF). One rule: refused
 * at the door of every JSON face (json-body.ts), replaced on the way out of every XML answer.
 */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'gu');

/** What a refusal says text may not hold. */
export const REFUSED_CHARACTERS = 'NUL characters, other control characters but tab, LF and CR, U+FFFE, U+FFFF or unpaired surrogates (XML cannot carry them)';

/** Whether the string holds only characters this service keeps (the rule above). */
export const isStorableText = (value: string): boolean => !NOT_XML_CHAR.test(value);

/** The string with every character this service does not keep (the rule above) replaced by U+FFFD. */
export const storableText = (value: string): string => (isStorableText(value) ? value : value.replace(NOT_XML_CHARS, '\uFFFD'));
