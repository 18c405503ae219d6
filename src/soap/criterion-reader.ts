import { parseDateTime } from '../records/date-time';
import {
  DATE_OPERATORS,
  ID_OPERATORS,
  NUMBER_OPERATORS,
  STRING_OPERATORS,
  type Criterion,
  type DateOperator,
  type IdOperator,
  type NumberOperator,
  type SearchFieldKind,
  type StringOperator,
} from '../records/search';
import { resolveSearchDate } from '../records/search-dates';
import { SearchError } from '../lib/errors';
import { SoapClientError } from './soap-client-error';
import { attribute, child, text, type XmlNode } from './xml-read';

/** One search criterion's operator and values, read as NetSuite checks them (a SearchError says what is wrong). */

function dateValue(node: XmlNode | undefined, where: string): string | undefined {
  const raw = text(node)?.trim();
  if (raw === undefined || raw === '') return undefined;
  const at = parseDateTime(raw);
  if (!at) throw new SearchError('INVALID_SEARCH_VALUE', `${where} is not a valid dateTime (got "${raw}").`);
  return at;
}

/** A number Postgres's numeric holds: an exponent of three digits at most (1e200000 overflows it). */
const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?\s*$/;

/** One criterion of a field that takes an operator; `operator` is one its operator enumeration lists. */
export function readCriterion(kind: SearchFieldKind, field: string, operator: string, node: XmlNode, values: XmlNode[], where: string, searchDates: string[]): Criterion {
  const answered = (list: readonly string[]) => {
    if (!list.includes(operator))
      throw new SearchError('INVALID_SEARCH_OPERATOR', `${where}: operator ${operator} is not one this emulator answers (it answers ${list.join(', ')}).`);
    return operator;
  };
  switch (kind) {
    case 'ids': {
      const key = field === 'externalId' ? 'externalId' : 'internalId';
      const ids = values.map((value) => attribute(value, key) ?? attribute(value, 'internalId') ?? '').filter((value) => value !== '');
      return { kind: 'ids', key, operator: answered(ID_OPERATORS) as IdOperator, values: ids };
    }
    case 'refs': {
      const refs = values.map((value) => ({ internalId: attribute(value, 'internalId'), externalId: attribute(value, 'externalId') }));
      const missing = refs.findIndex((ref) => ref.internalId === undefined && ref.externalId === undefined);
      if (missing >= 0) throw new SearchError('INVALID_SEARCH_VALUE', `${where}.searchValue[${missing + 1}] needs an internalId or an externalId.`);
      return { kind: 'refs', field, operator: answered(ID_OPERATORS) as IdOperator, values: refs };
    }
    case 'enum':
      return { kind: 'enum', field, operator: answered(ID_OPERATORS) as IdOperator, values: values.map((value) => text(value)?.trim() ?? '') };
    case 'string':
      return { kind: 'string', field, operator: answered(STRING_OPERATORS) as StringOperator, value: text(values[0]) ?? '' };
    case 'date': {
      const dateOperator = answered(DATE_OPERATORS) as DateOperator;
      const predefined = text(child(node, 'predefinedSearchValue'))?.trim();
      if (predefined !== undefined) {
        if (values.length > 0) throw new SearchError('INVALID_SEARCH_VALUE', `${where}: give either predefinedSearchValue or searchValue, not both.`);
        if (dateOperator === 'empty' || dateOperator === 'notEmpty')
          throw new SearchError('INVALID_SEARCH_VALUE', `${where} with operator ${dateOperator} takes no predefinedSearchValue.`);
        if (!searchDates.includes(predefined) || resolveSearchDate(predefined, new Date()) === undefined)
          throw new SearchError('INVALID_SEARCH_VALUE', `${where}.predefinedSearchValue must be a SearchDate, e.g. today, lastMonth, thisFiscalYear (got "${predefined}").`);
        return { kind: 'date', field, operator: dateOperator, predefined };
      }
      const value = dateValue(values[0], `${where}.searchValue`);
      const value2 = dateValue(child(node, 'searchValue2'), `${where}.searchValue2`);
      if (dateOperator !== 'empty' && dateOperator !== 'notEmpty' && value === undefined)
        throw new SearchError('INVALID_SEARCH_VALUE', `${where} with operator ${dateOperator} needs a searchValue.`);
      if ((dateOperator === 'within' || dateOperator === 'notWithin') && value2 === undefined)
        throw new SearchError('INVALID_SEARCH_VALUE', `${where} with operator ${dateOperator} needs searchValue2.`);
      return { kind: 'date', field, operator: dateOperator, value, value2 };
    }
    case 'number':
    case 'textNumber': {
      const numberOperator = answered(NUMBER_OPERATORS) as NumberOperator;
      const value = text(values[0])?.trim() || undefined;
      const value2 = text(child(node, 'searchValue2'))?.trim() || undefined;
      if (numberOperator !== 'empty' && numberOperator !== 'notEmpty' && value === undefined)
        throw new SearchError('INVALID_SEARCH_VALUE', `${where} with operator ${numberOperator} needs a searchValue.`);
      if ((numberOperator === 'between' || numberOperator === 'notBetween') && value2 === undefined)
        throw new SearchError('INVALID_SEARCH_VALUE', `${where} with operator ${numberOperator} needs searchValue2.`);
      const given = [value, value2].filter((one) => one !== undefined);
      // empty and notEmpty take no value: a text number is empty when it holds no text, whatever the text.
      if (kind === 'textNumber' && (given.length === 0 || !given.every((one) => NUMBER_TEXT.test(one))))
        return { kind: 'textNumber', field, operator: numberOperator, value, value2 };
      const wrong = given.find((one) => !NUMBER_TEXT.test(one));
      if (wrong !== undefined) throw new SearchError('INVALID_SEARCH_VALUE', `${where}: "${wrong}" is not a number.`);
      return { kind: 'number', field, operator: numberOperator, value, value2 };
    }
    default:
      throw new SoapClientError(`${where}: a ${kind} field takes no operator.`);
  }
}
