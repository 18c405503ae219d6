/**
 * The joins of record searches (listRel:CustomerSearch's contactJoin, tranSales:TransactionSearch's
 * customerJoin…) that follow references the record store holds. The schema declares every join and
 * the search basic it takes; which field links the two records is NetSuite's behaviour, not in
 * the schema, so it is written here, one line per join.
 */

/**
 * How a record reaches the records of a join:
 * - `field`: its own reference field names the joined record (a transaction's entity);
 * - `referrer`: the joined record's reference field names it (a contact's company, for a customer);
 * - `lines`: a line of its sublist names the joined record (a transaction's items);
 * - `linedBy`: a line of the joined record's sublist names it (an item's transactions).
 */
export type JoinLink =
  | { via: 'field'; field: string }
  | { via: 'referrer'; field: string }
  | { via: 'lines'; sublist: string; line: string; field: string }
  | { via: 'linedBy'; sublist: string; line: string; field: string };

const entity: JoinLink = { via: 'field', field: 'entity' };
const transactions: JoinLink = { via: 'referrer', field: 'entity' };
const itemLines = { sublist: 'itemList', line: 'item', field: 'item' };

/** The joins followed, by record search type; a join the schema declares and this does not list is refused by name. */
export const SEARCH_JOINS: Record<string, Record<string, JoinLink>> = {
  CustomerSearch: {
    contactJoin: { via: 'referrer', field: 'company' },
    parentCustomerJoin: { via: 'field', field: 'parent' },
    salesRepJoin: { via: 'field', field: 'salesRep' },
    subCustomerJoin: { via: 'referrer', field: 'parent' },
    transactionJoin: transactions,
  },
  ContactSearch: {
    customerJoin: { via: 'field', field: 'company' },
    vendorJoin: { via: 'field', field: 'company' },
  },
  VendorSearch: {
    contactJoin: { via: 'referrer', field: 'company' },
    transactionJoin: transactions,
  },
  EmployeeSearch: {},
  ItemSearch: {
    parentJoin: { via: 'field', field: 'parent' },
    transactionJoin: { via: 'linedBy', ...itemLines },
  },
  TransactionSearch: {
    customerJoin: entity,
    itemJoin: { via: 'lines', ...itemLines },
    salesRepJoin: { via: 'field', field: 'salesRep' },
    vendorJoin: entity,
  },
};
