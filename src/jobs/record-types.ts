/**
 * The platformCoreTyp:RecordType values this emulator knows (a subset of NetSuite's), and the
 * XML type and schema area of those that can be returned as whole records.
 */
export const RECORD_TYPES = [
  'account',
  'calendarEvent',
  'cashSale',
  'classification',
  'contact',
  'creditMemo',
  'currency',
  'customer',
  'customerPayment',
  'department',
  'employee',
  'estimate',
  'inventoryItem',
  'invoice',
  'itemFulfillment',
  'journalEntry',
  'location',
  'nonInventorySaleItem',
  'opportunity',
  'phoneCall',
  'purchaseOrder',
  'returnAuthorization',
  'salesOrder',
  'serviceSaleItem',
  'subsidiary',
  'supportCase',
  'task',
  'vendor',
  'vendorBill',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const isRecordType = (value: string): value is RecordType => (RECORD_TYPES as readonly string[]).includes(value);
