import { RecordCatalog } from '../../src/records/record-catalog';
import { SchemaSet } from '../../src/records/schema-set';
import { builtInType, readSimpleValue, type SimpleType } from '../../src/records/simple-values';

/** Values checked by their declared XML Schema types, the same for the SOAP face and the JSON faces. */

const type = (name: string): SimpleType => builtInType(name)!;

describe('readSimpleValue', () => {
  it.each([
    ['long', '9223372036854775807', '-9223372036854775808', ['9223372036854775808', '-9223372036854775809', '12345678901234567890']],
    ['int', '2147483647', '-2147483648', ['2147483648', '-2147483649', '1000000000000000000']],
    ['short', '32767', '-32768', ['32768', '-32769']],
    ['byte', '127', '-128', ['128', '-129']],
    ['unsignedInt', '4294967295', '0', ['4294967296', '-1']],
    ['unsignedLong', '18446744073709551615', '+0', ['18446744073709551616', '-1']],
    ['nonNegativeInteger', '123456789012345678901234567890', '0', ['-1']],
    ['positiveInteger', '1', '+99999999999999999999', ['0', '-5']],
    ['nonPositiveInteger', '0', '-99999999999999999999', ['1']],
    ['negativeInteger', '-1', '-99999999999999999999', ['0']],
    ['integer', '-123456789012345678901234567890', '007', ['1.0', '1e3']],
  ])('takes xsd:%s from its smallest to its largest value, digits kept, and refuses past them', (name, high, low, refused) => {
    expect(readSimpleValue(type(name), high)).toBe(high);
    expect(readSimpleValue(type(name), ` ${low}\n`)).toBe(low);
    for (const value of [...refused, '', '0x10', '1_000', '١٢', 'ten', '+', '--1']) expect(readSimpleValue(type(name), value)).toBeUndefined();
  });

  it("takes xsd:double and xsd:float in XML Schema's lexical form only, INF and NaN included", () => {
    for (const name of ['double', 'float']) {
      for (const value of ['1', '-1.5', '.5', '5.', '+1.25E-3', '1e400', 'INF', '-INF', 'NaN']) expect(readSimpleValue(type(name), value)).toBe(value);
      for (const value of ['0x10', '0b1', '0o7', 'Infinity', '+INF', 'nan', 'inf', '1e', 'e3', '.', '', '1,5', '1_0']) expect(readSimpleValue(type(name), value)).toBeUndefined();
    }
    expect(readSimpleValue(type('decimal'), '-12.50')).toBe('-12.50');
    for (const value of ['1e3', 'INF', 'NaN', '0x10']) expect(readSimpleValue(type('decimal'), value)).toBeUndefined();
  });

  it('keeps xsd:date apart from xsd:dateTime', () => {
    expect(readSimpleValue(type('date'), '2024-02-29')).toBe('2024-02-29');
    expect(readSimpleValue(type('date'), '2024-02-29+05:30')).toBe('2024-02-29+05:30');
    for (const value of ['2023-02-29', '2024-13-01', '0000-01-01', '2024-01-01T00:00:00Z', '2024-1-1', '2024-01-01+15:00'])
      expect(readSimpleValue(type('date'), value)).toBeUndefined();
    expect(readSimpleValue(type('dateTime'), '2024-01-01T02:00:00+02:00')).toBe('2024-01-01T00:00:00.000Z');
    expect(readSimpleValue(type('dateTime'), '2024-01-01')).toBeUndefined();
  });

  it('takes booleans as XML Schema spells them, and strings as sent', () => {
    expect(['true', '1', ' false ', '0'].map((value) => readSimpleValue(type('boolean'), value))).toEqual(['true', 'true', 'false', 'false']);
    expect(readSimpleValue(type('boolean'), 'yes')).toBeUndefined();
    expect(readSimpleValue(type('string'), ' as sent ')).toBe(' as sent ');
  });
});

describe('RecordCatalog: declared types, restrictions followed to their base', () => {
  const XSD = 'http://www.w3.org/2001/XMLSchema';
  const CORE = 'urn:core_2023_2.platform.webservices.netsuite.com';
  const REL = 'urn:relationships_2023_2.lists.webservices.netsuite.com';
  const set = new SchemaSet();
  set.add(`<schema xmlns="${XSD}" targetNamespace="${CORE}" elementFormDefault="qualified"><complexType name="Record" abstract="true"/></schema>`, 'core.xsd');
  set.add(
    `<schema xmlns="${XSD}" xmlns:xsd="${XSD}" xmlns:core="${CORE}" xmlns:rel="${REL}" targetNamespace="${REL}" elementFormDefault="qualified">
      <simpleType name="Percent"><restriction base="xsd:short"><minInclusive value="0"/></restriction></simpleType>
      <simpleType name="SmallPercent"><restriction base="rel:Percent"/></simpleType>
      <simpleType name="Loop"><restriction base="rel:Loop"/></simpleType>
      <complexType name="Partner"><complexContent><extension base="core:Record"><sequence>
        <element name="visits" type="xsd:long" minOccurs="0"/>
        <element name="rank" type="xsd:int" minOccurs="0"/>
        <element name="rate" type="xsd:double" minOccurs="0"/>
        <element name="share" type="rel:SmallPercent" minOccurs="0"/>
        <element name="since" type="xsd:date" minOccurs="0"/>
        <element name="level" minOccurs="0"><simpleType><restriction base="xsd:byte"/></simpleType></element>
        <element name="odd" type="rel:Loop" minOccurs="0"/>
        <element name="unknown" type="rel:Nowhere" minOccurs="0"/>
      </sequence></extension></complexContent></complexType>
    </schema>`,
    'rel.xsd',
  );
  const catalog = new RecordCatalog(set);
  const check = (fields: Record<string, unknown>) => catalog.validateFields('partner', fields, 'fields');

  it('resolves restrictions, restrictions of them and inline ones; a loop or an unknown type is an unchecked string', () => {
    const declared = Object.fromEntries(catalog.get('partner')!.fields.map((field) => [field.name, catalog.simpleTypeOf(field.type).name]));
    expect(declared).toEqual({ visits: 'long', rank: 'int', rate: 'double', share: 'short', since: 'date', level: 'byte', odd: 'string', unknown: 'string' });
  });

  it('takes JSON numbers within range and exact, strings in the lexical form, and keeps each as given', () => {
    expect(check({ visits: 9007199254740991, rank: -2147483648, rate: 1.5, share: 32767, since: '2024-02-29', level: '-128' })).toEqual({
      visits: 9007199254740991,
      rank: -2147483648,
      rate: 1.5,
      share: 32767,
      since: '2024-02-29',
      level: '-128',
    });
    expect(check({ visits: '9223372036854775807', rate: 'INF' })).toEqual({ visits: '9223372036854775807', rate: 'INF' });
  });

  it.each([
    [{ visits: '9223372036854775808' }, /fields\.visits: must be an xsd:long, a whole number from -9223372036854775808 to 9223372036854775807/],
    [{ visits: 2 ** 60 }, /fields\.visits: 1152921504606847000 is past 2\^53, where a JSON number loses digits; give it as a string/],
    [{ rank: 2147483648 }, /fields\.rank: must be an xsd:int, a whole number from -2147483648 to 2147483647/],
    [{ rank: 1.5 }, /fields\.rank: must be an xsd:int/],
    [{ share: 40000 }, /fields\.share: must be an xsd:short/],
    [{ level: 128 }, /fields\.level: must be an xsd:byte/],
    [{ rate: '0x10' }, /fields\.rate: must be an xsd:double/],
    [{ since: '2024-02-29T00:00:00Z' }, /fields\.since: must be an xsd:date/],
    [{ odd: 5 }, /fields\.odd: must be a string/],
  ])('refuses %j', (fields, message) => {
    expect(() => check(fields)).toThrow(message);
  });
});
