import { SchemaSet } from '../../src/records/schema-set';
import { netsuitePath } from '../../src/soap/official-tree';

/** XML Schema is read by namespace, whatever prefixes a file writes it with (NetSuite's write none). */

const XSD = 'http://www.w3.org/2001/XMLSchema';
const CORE = 'urn:core_2023_2.platform.webservices.netsuite.com';
const REL = 'urn:relationships_2023_2.lists.webservices.netsuite.com';

/** One schema, its XML Schema tags spelled by `tag`, declared by `declaration`. */
const schema = (declaration: string, tag: (local: string) => string, extra = '') =>
  `<?xml version="1.0"?>
<${tag('schema')} ${declaration} xmlns:platformCore="${CORE}" xmlns:listRel="${REL}" targetNamespace="${REL}" elementFormDefault="qualified"${extra}>
  <${tag('element')} name="partner" type="listRel:Partner"/>
  <${tag('complexType')} name="Partner">
    <${tag('complexContent')}><${tag('extension')} base="platformCore:Record">
      <${tag('sequence')}>
        <${tag('element')} name="partnerCode" type="xsd:string" minOccurs="0"/>
        <${tag('element')} name="email" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/>
      </${tag('sequence')}>
      <${tag('attribute')} name="internalId" type="xsd:string"/>
    </${tag('extension')}></${tag('complexContent')}>
  </${tag('complexType')}>
  <${tag('simpleType')} name="Tier"><${tag('restriction')} base="xsd:string"><${tag('enumeration')} value="_gold"/><${tag('enumeration')} value="_silver"/></${tag('restriction')}></${tag('simpleType')}>
</${tag('schema')}>`;

const read = (xml: string) => {
  const set = new SchemaSet();
  set.add(xml, 'test.xsd');
  return { types: [...set.complexTypes.values()], enumerations: [...set.enumerations], elements: [...set.globalElements] };
};

describe('SchemaSet', () => {
  const expected = read(schema(`xmlns:xsd="${XSD}"`, (local) => `xsd:${local}`));

  it('reads a schema the same whether its tags are unprefixed (default namespace), xsd:, xs: or mixed', () => {
    expect(expected.types).toEqual([
      {
        name: `{${REL}}Partner`,
        base: `{${CORE}}Record`,
        abstract: false,
        elements: [
          { name: 'partnerCode', namespace: REL, type: `{${XSD}}string`, repeated: false, ref: undefined },
          { name: 'email', namespace: REL, type: `{${XSD}}string`, repeated: true, ref: undefined },
        ],
        attributes: ['internalId'],
        attributeTypes: new Map([['internalId', `{${XSD}}string`]]),
      },
    ]);
    expect(expected.enumerations).toEqual([[`{${REL}}Tier`, ['_gold', '_silver']]]);
    expect(expected.elements).toEqual([[`{${REL}}partner`, `{${REL}}Partner`]]);
    expect(read(schema(`xmlns="${XSD}" xmlns:xsd="${XSD}"`, (local) => local))).toEqual(expected);
    expect(read(schema(`xmlns:xs="${XSD}" xmlns:xsd="${XSD}"`, (local) => `xs:${local}`))).toEqual(expected);
    const mixed = (local: string) => (['sequence', 'attribute', 'enumeration'].includes(local) ? `xs:${local}` : local === 'element' ? 'xsd:element' : local);
    expect(read(schema(`xmlns="${XSD}" xmlns:xs="${XSD}" xmlns:xsd="${XSD}"`, mixed))).toEqual(expected);
  });

  it('resolves unprefixed QNames by the default namespace in scope, and prefixes declared on inner elements', () => {
    const xml = `<xsd:schema xmlns:xsd="${XSD}" xmlns="${REL}" targetNamespace="${REL}" elementFormDefault="qualified">
      <xsd:complexType name="PartnerList"><xsd:sequence><xsd:element name="partner" type="Partner" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>
      <complexType name="Partner" xmlns="${XSD}" xmlns:core="${CORE}"><complexContent><extension base="core:Record"/></complexContent></complexType>
    </xsd:schema>`;
    const { types } = read(xml);
    expect(types.map((type) => [type.name, type.base, type.elements.map((element) => element.type)])).toEqual([
      [`{${REL}}PartnerList`, undefined, [`{${REL}}Partner`]],
      [`{${REL}}Partner`, `{${CORE}}Record`, []],
    ]);
  });

  it('puts local elements in no namespace when the schema does not qualify them', () => {
    const { types } = read(schema(`xmlns:xsd="${XSD}"`, (local) => `xsd:${local}`).replace(' elementFormDefault="qualified"', ''));
    expect(types[0].elements.map((element) => element.namespace)).toEqual(['', '']);
  });

  it('names the file and prefix when a prefix is not declared', () => {
    expect(() => read(schema(`xmlns:xsd="${XSD}"`, (local) => `xsd:${local}`).replace('type="listRel:Partner"', 'type="nowhere:Partner"'))).toThrow(
      'test.xsd: prefix "nowhere" of nowhere:Partner is not declared',
    );
    expect(() => read(`<xs:schema xmlns:xsd="${XSD}"/>`)).toThrow('test.xsd: the prefix of <xs:schema> is not declared');
    expect(() => read(`<schema xmlns="urn:not-xml-schema"/>`)).toThrow('test.xsd is not an XML schema');
  });
});

describe('netsuitePath', () => {
  it.each([
    ['https://webservices.netsuite.com/xsd/platform/v2023_2_0/core.xsd', '/xsd/platform/v2023_2_0/core.xsd'],
    ['http://webservices.netsuite.com/wsdl/v2023_2_0/netsuite.wsdl', '/wsdl/v2023_2_0/netsuite.wsdl'],
    ['https://WEBSERVICES.NA2.NetSuite.com:443/xsd/lists/v2023_2_0/relationships.xsd', '/xsd/lists/v2023_2_0/relationships.xsd'],
    ['https://netsuite.com/xsd/a.xsd', '/xsd/a.xsd'],
    ['https://evilnetsuite.com/xsd/a.xsd', undefined],
    ['https://webservices.netsuite.com.example.org/xsd/a.xsd', undefined],
    ['ftp://webservices.netsuite.com/xsd/a.xsd', undefined],
    ['../../xsd/platform/v2023_2_0/core.xsd', undefined],
  ])('%s is %s', (location, expected) => {
    expect(netsuitePath(location)).toBe(expected);
  });
});
