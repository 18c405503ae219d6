import { parseDateTime } from './date-time';

/**
 * The XML Schema built-in simple types a record field may be declared with, and what each takes:
 * the lexical form XML Schema gives it and, for the integer types, its value range (checked with
 * BigInt, so a long past 2^53 keeps every digit). The SOAP face and the JSON faces both check values
 * here, so a value one accepts the other accepts too.
 */

export type SimpleKind = 'string' | 'boolean' | 'double' | 'decimal' | 'integer' | 'dateTime' | 'date';

export interface SimpleType {
  /** The built-in's local name, e.g. int. */
  name: string;
  kind: SimpleKind;
  /** Integer types: the smallest and largest value, where bounded. */
  min?: bigint;
  max?: bigint;
}

const signed = (name: string, bits: bigint): SimpleType => ({ name, kind: 'integer', min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n });
const unsigned = (name: string, bits: bigint): SimpleType => ({ name, kind: 'integer', min: 0n, max: (1n << bits) - 1n });

const BUILT_INS: readonly SimpleType[] = [
  ...[
    'string',
    'normalizedString',
    'token',
    'anyURI',
    'language',
    'Name',
    'NCName',
    'ID',
    'IDREF',
    'NMTOKEN',
    'QName',
    'base64Binary',
    'hexBinary',
    'duration',
    'time',
    'gYear',
    'gYearMonth',
    'gMonth',
    'gMonthDay',
    'gDay',
  ].map((name): SimpleType => ({ name, kind: 'string' })),
  { name: 'boolean', kind: 'boolean' },
  { name: 'double', kind: 'double' },
  { name: 'float', kind: 'double' },
  { name: 'decimal', kind: 'decimal' },
  { name: 'integer', kind: 'integer' },
  { name: 'nonNegativeInteger', kind: 'integer', min: 0n },
  { name: 'positiveInteger', kind: 'integer', min: 1n },
  { name: 'nonPositiveInteger', kind: 'integer', max: 0n },
  { name: 'negativeInteger', kind: 'integer', max: -1n },
  signed('long', 64n),
  signed('int', 32n),
  signed('short', 16n),
  signed('byte', 8n),
  unsigned('unsignedLong', 64n),
  unsigned('unsignedInt', 32n),
  unsigned('unsignedShort', 16n),
  unsigned('unsignedByte', 8n),
  { name: 'dateTime', kind: 'dateTime' },
  { name: 'date', kind: 'date' },
];
const BY_NAME = new Map(BUILT_INS.map((type) => [type.name, type]));

/** A built-in by its local name in the XML Schema namespace; undefined for one this table lacks. */
export function builtInType(name: string): SimpleType | undefined {
  return BY_NAME.get(name);
}

const BOOLEANS: Record<string, string> = { true: 'true', false: 'false', '1': 'true', '0': 'false' };
/** xsd:double and xsd:float (XML Schema 1.0): a decimal with an optional exponent, or INF, -INF, NaN. */
const DOUBLE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|-?INF|NaN)$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;
/** xsd:date: yyyy-mm-dd with an optional time zone (years 0001 to 9999, as dateTime takes them). */
const DATE = /^(\d{4})-(\d{2})-(\d{2})(Z|[+-](\d{2}):(\d{2}))?$/;

function isDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const zone = match[5] === undefined ? 0 : Number(match[5]) * 60 + Number(match[6]);
  return year >= 1 && days !== undefined && day >= 1 && day <= days && Number(match[6] ?? 0) < 60 && zone <= 14 * 60;
}

/**
 * A value in `type`'s lexical form, as it is stored: whitespace collapsed away for every type but
 * string, booleans as true/false, a dateTime as the instant in ISO form, anything else as written.
 * Undefined when the text is not a value of the type.
 */
export function readSimpleValue(type: SimpleType, raw: string): string | undefined {
  if (type.kind === 'string') return raw;
  const value = raw.trim();
  switch (type.kind) {
    case 'boolean':
      return BOOLEANS[value];
    case 'double':
      return DOUBLE.test(value) ? value : undefined;
    case 'decimal':
      return DECIMAL.test(value) ? value : undefined;
    case 'integer': {
      if (!INTEGER.test(value)) return undefined;
      const number = BigInt(value);
      return (type.min === undefined || number >= type.min) && (type.max === undefined || number <= type.max) ? value : undefined;
    }
    case 'dateTime':
      return parseDateTime(value);
    case 'date':
      return isDate(value) ? value : undefined;
  }
}

/** What a value of `type` must be, for messages: "a whole number from -2147483648 to 2147483647". */
export function describeSimpleType(type: SimpleType): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'double':
      return `an xsd:${type.name} (a decimal number with an optional exponent, INF, -INF or NaN)`;
    case 'decimal':
      return 'an xsd:decimal (digits with an optional sign and decimal point, no exponent)';
    case 'integer':
      if (type.min !== undefined && type.max !== undefined) return `an xsd:${type.name}, a whole number from ${type.min} to ${type.max}`;
      if (type.min !== undefined) return `an xsd:${type.name}, a whole number of at least ${type.min}`;
      if (type.max !== undefined) return `an xsd:${type.name}, a whole number of at most ${type.max}`;
      return `an xsd:${type.name}, a whole number`;
    case 'dateTime':
      return 'an xsd:dateTime (yyyy-mm-ddThh:mm:ss with an optional fraction and time zone)';
    case 'date':
      return 'an xsd:date (yyyy-mm-dd with an optional time zone)';
  }
}
