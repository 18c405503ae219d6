import { escapeXml } from '../../src/soap/xml-write';
import { isStorableText, storableText } from '../../src/lib/text';

/** The one rule for text this service keeps: XML 1.0's characters, which Postgres can store too. */

it.each([
  ['plain', 'Customer 42 é 𝄞', true],
  ['tab, LF and CR', 'a\tb\nc\rd', true],
  ['U+FFFD and U+E000', '\uFFFD\uE000', true],
  ['NUL', 'a\u0000b', false],
  ['another C0 control', 'a\u0001b', false],
  ['U+001F', '\u001F', false],
  ['U+FFFE', 'x\uFFFE', false],
  ['U+FFFF', '\uFFFFx', false],
  ['a lone high surrogate', 'a\uD800b', false],
  ['a lone low surrogate', 'a\uDC00', false],
])('%s', (_name, value, kept) => {
  expect(isStorableText(value)).toBe(kept);
  expect(storableText(value) === value).toBe(kept);
  expect(isStorableText(storableText(value))).toBe(true);
});

it('replaces each character it does not keep by one U+FFFD, and leaves surrogate pairs whole', () => {
  expect(storableText('a\uFFFE\u0001b\uD800𝄞\uDC00')).toBe('a\uFFFD\uFFFDb\uFFFD𝄞\uFFFD');
});

it('escapes for XML and replaces what XML cannot carry', () => {
  expect(escapeXml(`<a href="x">&'\uFFFF\u0002`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD\uFFFD');
  expect(escapeXml('tab\there')).toBe('tab\there');
});

it('escapes every ASCII character, and a few beyond, as replacing and then escaping would', () => {
  const escaped: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
  const characters = [...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)), '\u0080', '\u00e9', '\uD800', '\uFFFE', '𝄞'];
  for (const character of characters) {
    const value = `a${character}b`;
    expect([character, escapeXml(value)]).toEqual([character, storableText(value).replace(/[&<>"']/g, (c) => escaped[c])]);
  }
});
