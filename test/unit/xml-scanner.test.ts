import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { MAX_ATTRIBUTES, MAX_NODES, readXml } from '../../src/soap/xml-scanner';
import { signTokenPassport, testCredentials, tokenPassportXml } from '../helpers/credentials';
import { envelope } from '../helpers/soap';
import { customer, ref, request } from '../helpers/record-requests';
import { seededRandom } from '../helpers/seeded-random';

/**
 * Differential test of our XML reader against what parseEnvelope ran before: its pre-checks, then
 * fast-xml-parser's validator and parser with the same options. Where the two disagree, libxml2
 * (xmllint-wasm) says whether the document is well-formed, so every difference is a listed one or
 * one where fast-xml-parser accepted what the XML spec refuses.
 */

// parseEnvelope before the scanner, kept here as the reference.
const REFERENCE = /&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]{1,6}|#[0-9]{1,7});/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decodeReferences(value: string): string {
  return value.replace(REFERENCE, (_, reference: string) => {
    if (!reference.startsWith('#')) return NAMED[reference];
    const code = reference[1] === 'x' ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
    const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) throw new Error(`&${reference}; not allowed`);
    return String.fromCodePoint(code);
  });
}
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  tagValueProcessor: (_name, value) => decodeReferences(value),
  attributeValueProcessor: (_name, value) => decodeReferences(value),
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const RESERVED_NAME = new RegExp(`<\\/?(?:[\\w.-]+:)?(${Object.getOwnPropertyNames(Object.prototype).join('|')})[\\s/>]`);

/** The tree as JSON (so key order counts too), or why the document was refused. */
type Outcome = { tree: string } | { refused: string };
/** What must agree: the tree, or that the document is refused (messages differ). */
const verdict = (outcome: Outcome) => ('tree' in outcome ? outcome.tree : 'refused');

function before(xml: string): Outcome {
  if (/<!DOCTYPE/i.test(xml) || /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml) || RESERVED_NAME.test(xml)) return { refused: 'pre-check' };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { refused: valid.err.msg };
  try {
    return { tree: JSON.stringify(parser.parse(xml)) };
  } catch (error) {
    return { refused: String(error) };
  }
}

function after(xml: string): Outcome {
  try {
    return { tree: JSON.stringify(readXml(xml)) };
  } catch (error) {
    return { refused: String(error) };
  }
}

/**
 * libxml2's parser errors per document. Namespace errors aside (fast-xml-parser never checked
 * those), and unknown encoding labels: the endpoint has decoded the body as UTF-8 already.
 */
async function libxmlErrors(documents: string[]): Promise<Array<string | undefined>> {
  const found: Array<string | undefined> = [];
  // In batches: one call with thousands of files runs out of WebAssembly memory.
  for (let from = 0; from < documents.length; from += 200) {
    const batch = documents.slice(from, from + 200);
    const result = await validateXML({ xml: batch.map((contents, i) => ({ fileName: `d${i}.xml`, contents })), schema: [] });
    const byFile = new Map<string, string>();
    for (const error of result.errors) {
      if (error.loc && error.message.includes('parser error') && !error.message.includes('Unsupported encoding') && !byFile.has(error.loc.fileName))
        byFile.set(error.loc.fileName, error.message);
    }
    batch.forEach((_, i) => found.push(byFile.get(`d${i}.xml`)));
  }
  return found;
}

const deep = (depth: number, innermost: string) => `${'<a>'.repeat(depth - 1)}${innermost}${'</a>'.repeat(depth - 1)}`;

/** Read the same by both (trees equal, or both refuse). */
const SAME = [
  '<a/>',
  '<a></a>',
  '<a> </a>',
  '<a>x</a>',
  '<a b="1"/>',
  '<a b="1">x</a>',
  `<a b='1' c="2'" d='"'/>`,
  '<a b = "1"\n\tc="2"  />',
  '<a><b/><b/></a>',
  '<a><b>1</b><c/><b>2</b></a>',
  '<a>x<b/>y</a>',
  '<a> x <!-- c --> y </a>',
  '<a> x <?pi data?> y </a>',
  '<a><b>x</b>t</a>',
  '<a x="1"><b/></a>',
  '<a><b x="1">t</b></a>',
  '<a x="1"> </a>',
  '<a>\t\n </a>',
  '<a><![CDATA[ <x> ]]></a>',
  '<a><![CDATA[]]></a>',
  '<a b="1"><![CDATA[]]></a>',
  '<a> t <![CDATA[ c ]]> u </a>',
  '<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</a>',
  '<a b="&lt;&#x41;&amp;#39;"/>',
  '<a>\r\nx\r\ny\r</a>',
  '<a b=" x\r\n y "/>',
  '<a>&#32;x&#32;&#13;</a>',
  '<a b="&#32;"/>',
  '<a>\u00a0x\u2028</a>',
  '<a b=">"/>',
  '<a>></a>',
  '<a>]]</a>',
  '<?xml version="1.0" encoding="UTF-8"?><a/>',
  "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<a/>\n",
  '\ufeff<a/>',
  '<!-- c --><a/><!-- d --><?pi?>\n',
  '<?pi x?><a/>',
  '<a:b xmlns:a="u"><a:c/><c/></a:b>',
  '<é:ü-1.x/>',
  '<a><isPrototypeOf/></a>',
  '<_:a/>',
  '<a><b><c>deep</c></b><b/></a>',
  '<a>1<b/>2<b/>3</a>',
  // Refused by both
  '',
  ' ',
  'x',
  '<a><b></a>',
  '<a>',
  '</a>',
  '<a></b>',
  'x<a/>',
  '<a></a>x',
  '<1a/>',
  '< a/>',
  '<a b=1/>',
  '<a b="1" b="2"/>',
  '<a b/>',
  '<a b="1/>',
  '<a>&</a>',
  '<a>& b</a>',
  '<a>&#1;</a>',
  '<a b="&#0;"/>',
  '<a>&#xD800;</a>',
  '<a>&#x110000;</a>',
  '<a>\u0001</a>',
  '<a b="\u001f"/>',
  '<a>\uFFFE</a>',
  '<!DOCTYPE a><a/>',
  '<a><!DOCTYPE a></a>',
  '<constructor/>',
  '<a:toString/>',
  '<a><__proto__/></a>',
  '<prototype/>',
  '<a><!-- x',
  '<a><![CDATA[x</a>',
  '<a/><!-- x',
  '<?xml version="1.0"?><?xml version="1.0"?><a/>',
  ' <?xml version="1.0"?><a/>',
  '<a></a><b></b>',
  '<a b="1"c="2"/>',
  '<a>x</a >',
  '<a>x</ a>',
  '<a></a/>',
  '<a/ >',
  deep(101, '<a>x</a>'),
  deep(102, '<a>x</a>'),
  deep(102, '<a/>'),
  deep(103, '<a/>'),
];

/** fast-xml-parser accepted these; the XML spec (and libxml2) refuses them, and so do we. */
const STRICTER = [
  '<a b="x<y"/>', // '<' in an attribute value
  '<a b="&"/>',
  '<a b="&foo;"/>',
  '<a>&foo;</a>',
  '<a>&#;</a>',
  '<a>&#x;</a>',
  '<a>&#99999999;</a>', // references: bare '&', undeclared entities, no digits, out of range
  '<a><!foo></a>',
  '<a><![FOO[x]]></a>', // markup that is neither a comment nor CDATA
  '<a><!-- x -- y --></a>',
  '<a><!-- x ---></a>', // '--' in a comment
  '<a>]]></a>', // ']]>' in text
  '<a/><b/>',
  '<a x="1"/><a/>',
  '<a/>&amp;', // a second root, text after the root
  '<?XML version="1.0"?><a/>',
  '<?xml foo?><a/>',
  '<?xml version="2"?><a/>',
  '<a><?xml-x?><?Xml x?></a>', // declarations
];

/** Well-formed, but fast-xml-parser's pipeline read them wrong: we read what the spec says. */
const READ_RIGHT: Array<[string, unknown]> = [
  ['<a><![CDATA[&amp;&lt;]]></a>', { a: '&amp;&lt;' }], // CDATA is literal; references were decoded in it
  ['<a><![CDATA[&#1;]]></a>', { a: '&#1;' }], // and refused when they named a forbidden character
  ['<a>&#00000065;&#x00000042;</a>', { a: 'AB' }], // leading zeros: the references were left undecoded
  ['<a><!-- <!DOCTYPE x> --><![CDATA[<!doctype]]></a>', { a: '<!doctype' }], // the DTD pre-check looked inside comments and text
];

/** Refused before and now, but for a reason of ours rather than well-formedness. */
const REFUSED_ON_PURPOSE = ['<a:prototype/>']; // 'prototype' as a local name, like the other names objects inherit

describe('readXml', () => {
  it.each(SAME.map((xml) => [xml]))('reads %j as fast-xml-parser did', (xml) => {
    expect(verdict(after(xml))).toEqual(verdict(before(xml)));
  });

  it('refuses what fast-xml-parser accepted but the XML spec and libxml2 refuse', async () => {
    for (const xml of STRICTER) {
      expect([xml, before(xml)]).toEqual([xml, { tree: expect.any(String) }]);
      expect([xml, after(xml)]).toEqual([xml, { refused: expect.stringMatching(/^SoapClientError/) }]);
    }
    const errors = await libxmlErrors(STRICTER);
    STRICTER.forEach((xml, i) => expect([xml, errors[i]]).toEqual([xml, expect.any(String)]));
  });

  it('reads well-formed documents the old pipeline misread as the spec says', async () => {
    for (const [xml, tree] of READ_RIGHT) expect(readXml(xml)).toEqual(tree);
    expect(await libxmlErrors(READ_RIGHT.map(([xml]) => xml))).toEqual(READ_RIGHT.map(() => undefined));
    for (const xml of REFUSED_ON_PURPOSE) expect(() => readXml(xml)).toThrow(/element name prototype is not allowed/);
  });

  it('says what is wrong and where', () => {
    expect(() => readXml('<a>\n  <b></c>\n</a>')).toThrow(
      'The request is not well-formed XML: the end tag </c> does not match the start tag <b> at line 2, column 3 (line 2, column 6).',
    );
    expect(() => readXml('<a b="1" b="2"/>')).toThrow('the attribute b appears twice in <a> (line 1, column 10)');
    expect(() => readXml('<a>x\u0001</a>')).toThrow('The request holds a character XML does not allow (U+0001 at line 1, column 5).');
    expect(() => readXml('<a>&#1;</a>')).toThrow('The character reference &#1; names a character XML does not allow.');
    expect(() => readXml(deep(102, '<a>x</a>'))).toThrow(/^Maximum nested tags exceeded/);
  });

  describe('counts elements, attributes and namespace declarations against one budget', () => {
    const attributes = (count: number, name = (i: number) => `a${i}`) => Array.from({ length: count }, (_, i) => ` ${name(i)}="v"`).join('');
    const xmlns = (i: number) => `xmlns:p${i}`;

    it(`takes ${MAX_ATTRIBUTES} attributes on an element, and refuses one more, namespace declarations included`, () => {
      expect(Object.keys(readXml(`<a${attributes(MAX_ATTRIBUTES)}/>`).a)).toHaveLength(MAX_ATTRIBUTES);
      const tooMany = `The element <a> has more than ${MAX_ATTRIBUTES} attributes, namespace declarations included (line 1, column 1).`;
      expect(() => readXml(`<a${attributes(MAX_ATTRIBUTES + 1)}/>`)).toThrow(tooMany);
      expect(() => readXml(`<a${attributes(MAX_ATTRIBUTES + 1, xmlns)}/>`)).toThrow(tooMany);
      expect(() => readXml(`<a${attributes(MAX_ATTRIBUTES / 2)}${attributes(MAX_ATTRIBUTES / 2 + 1, xmlns)}>x</a>`)).toThrow(tooMany);
    });

    it(`takes ${MAX_NODES} nodes in all and refuses one more, however they are made up`, () => {
      const tooMany = `The request has more than ${MAX_NODES} elements and attributes (namespace declarations count as attributes).`;
      // One root and its child elements, each carrying some attributes or declarations.
      const mixed = (nodes: number) => {
        const perChild = 1 + 9;
        const children = Math.floor((nodes - 1) / perChild);
        const rest = nodes - 1 - children * perChild;
        return `<r${attributes(rest, xmlns)}>${`<c${attributes(5)}${attributes(4, xmlns)}/>`.repeat(children)}</r>`;
      };
      expect(readXml(mixed(MAX_NODES)).r).toBeDefined();
      expect(() => readXml(mixed(MAX_NODES + 1))).toThrow(tooMany);
      expect(() => readXml(`<r>${'<c/>'.repeat(MAX_NODES)}</r>`)).toThrow(tooMany);
    });

    it('refuses as it reads: what follows the node over the cap is never looked at', () => {
      // Were the whole document read first, these would be refused as malformed instead.
      expect(() => readXml(`<a${attributes(MAX_ATTRIBUTES + 1)} b="1" b="2" &`)).toThrow(/has more than 1000 attributes/);
      expect(() => readXml(`<r>${'<c d="1"/>'.repeat(MAX_NODES / 2)}<c/><1 unclosed`)).toThrow(/more than 100000 elements and attributes/);
    });

    it('still finds a repeated attribute among many', () => {
      expect(() => readXml(`<a${attributes(MAX_ATTRIBUTES - 1)} a7="again"/>`)).toThrow(`the attribute a7 appears twice in <a>`);
    });
  });

  it('agrees with fast-xml-parser on thousands of mutated client envelopes, and with libxml2 wherever they differ', async () => {
    const next = seededRandom(20260611);
    const mutants = seeds().flatMap((seed) => Array.from({ length: 600 }, () => mutate(seed, next)));
    const accepted: string[] = [];
    const onlyBeforeAccepted: string[] = [];
    for (const xml of mutants) {
      const [old, ours] = [before(xml), after(xml)];
      if ('tree' in ours) {
        accepted.push(xml);
        expect([xml, ours.tree]).toEqual([xml, verdict(old)]);
      } else if ('tree' in old) onlyBeforeAccepted.push(xml);
    }
    // Enough of each kind that the comparison means something.
    expect(accepted.length).toBeGreaterThan(mutants.length / 5);
    expect(onlyBeforeAccepted.length).toBeLessThan(mutants.length / 4);
    const acceptedErrors = await libxmlErrors(accepted);
    accepted.forEach((xml, i) => expect([xml, acceptedErrors[i]]).toEqual([xml, undefined]));
    const refusedErrors = await libxmlErrors(onlyBeforeAccepted);
    onlyBeforeAccepted.forEach((xml, i) => expect([xml, refusedErrors[i]]).toEqual([xml, expect.any(String)]));
  }, 120_000);
});

/** Envelopes as our tests and the interop clients (node-soap, zeep, PHP) send them, fixed so mutations replay. */
function seeds(): string[] {
  const passport = (version: string) => tokenPassportXml(signTokenPassport(testCredentials('TSTDRV1234567'), { nonce: 'n0nce0123456789abcdef', timestamp: 1780000000 }), version);
  return [
    envelope('checkAsyncStatus', '<msg:jobId>WEBSERVICES_TSTDRV1234567_0611202612345678901234_abcdef01</msg:jobId>', '2017_1', passport('2017_1')),
    envelope('getAsyncResult', '<msg:jobId>J&amp;1</msg:jobId><msg:pageIndex>2</msg:pageIndex>', '2017_1', passport('2017_1')),
    request('asyncAddList', customer('externalId="c&quot;1"', "<listRel:companyName>O'Brien &amp; Co</listRel:companyName><listRel:isInactive>false</listRel:isInactive>")),
    request('asyncGetList', ref('type=\'customer\' internalId="1001"') + ref('type="customer" externalId="x"')),
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="urn:messages_2017_1.platform.webservices.netsuite.com">` +
      `<soap:Header>${passport('2017_1')}</soap:Header><soap:Body><tns:checkAsyncStatus><tns:jobId>J1</tns:jobId></tns:checkAsyncStatus></soap:Body></soap:Envelope>`,
    `<?xml version='1.0' encoding='utf-8'?>\n<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">\r\n  <soap-env:Header>\r\n    <ns0:tokenPassport xmlns:ns0="urn:core_2017_1.platform.webservices.netsuite.com">\r\n` +
      `      <ns0:account>TSTDRV1234567</ns0:account>\r\n      <ns0:signature algorithm="HMAC-SHA256">QYp25wy+6wlKVJQl/UgI59=</ns0:signature>\r\n    </ns0:tokenPassport>\r\n  </soap-env:Header>\r\n` +
      `  <soap-env:Body>\r\n    <ns1:getAsyncResult xmlns:ns1="urn:messages_2017_1.platform.webservices.netsuite.com"><ns1:jobId>J1</ns1:jobId><ns1:pageIndex>1</ns1:pageIndex></ns1:getAsyncResult>\r\n  </soap-env:Body>\r\n</soap-env:Envelope>`,
    `<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:messages_2017_1.platform.webservices.netsuite.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
      `<SOAP-ENV:Body><ns1:asyncSearch><ns1:searchRecord xsi:type="ns2:CustomerSearchBasic" xmlns:ns2="urn:common_2017_1.platform.webservices.netsuite.com"><!-- a comment -->` +
      `<ns2:companyName operator="contains"><ns3:searchValue xmlns:ns3="urn:core_2017_1.platform.webservices.netsuite.com">a &lt; b</ns3:searchValue></ns2:companyName></ns1:searchRecord><?php-x y?></ns1:asyncSearch></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`,
  ];
}

// No CDATA or DOCTYPE: those are where we read differently on purpose (READ_RIGHT).
const INSERTS = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '=',
  '/',
  ':',
  ' ',
  '\r\n',
  '\t',
  '&amp;',
  '&#13;',
  '&#0;',
  '&foo;',
  ']]>',
  '<!-- c -->',
  '<?pi x?>',
  '<b/>',
  '</b>',
  '<x:y z="1"/>',
  '\u0001',
  '\u00a0',
];

function mutate(seed: string, next: () => number): string {
  let text = seed;
  const at = () => Math.floor(next() * (text.length + 1));
  for (let round = next() < 0.7 ? 1 : 2; round > 0; round--) {
    const from = at();
    const kind = Math.floor(next() * 4.2);
    if (kind === 0)
      text = text.slice(0, from) + text.slice(from + 1 + Math.floor(next() * 8)); // delete a run
    else if (kind === 1)
      text = text.slice(0, from) + text.slice(from, from + 1 + Math.floor(next() * 30)) + text.slice(from); // duplicate a run
    else if (kind === 2) {
      const to = at();
      const [a, b] = from < to ? [from, to] : [to, from];
      if (b < text.length) text = text.slice(0, a) + text[b] + text.slice(a + 1, b) + text[a] + text.slice(b + 1); // swap two characters
    } else if (kind === 3)
      text = text.slice(0, from) + INSERTS[Math.floor(next() * INSERTS.length)] + text.slice(from); // insert something
    else text = text.slice(0, from); // truncate
  }
  return text;
}
