/**
 * The platformFaultTyp:StatusDetailCodeType values this emulator emits for per-record outcomes.
 * NetSuite's enumeration has over a thousand; faultTypes.xsd lists exactly these, and a scenario
 * naming any other code is refused.
 */
export const STATUS_DETAIL_CODES = [
  'ABORT_SEARCH_EXCEEDED_MAX_TIME',
  'CANT_DELETE_RCRD',
  'DUP_ENTITY',
  'DUP_ITEM',
  'DUP_RCRD',
  'FIELD_PARAM_REQD',
  'INSUFFICIENT_PERMISSION',
  'INVALID_FLD_VALUE',
  'INVALID_INITIALIZE_REF',
  'INVALID_KEY_OR_REF',
  'INVALID_RCRD_TYPE',
  'INVALID_REF_KEY',
  'INVALID_SEARCH',
  'RCRD_DSNT_EXIST',
  'RCRD_HAS_BEEN_CHANGED',
  'RCRD_LOCKED_BY_WF',
  'UNEXPECTED_ERROR',
  'USER_ERROR',
] as const;
export type StatusDetailCode = (typeof STATUS_DETAIL_CODES)[number];

export const isStatusDetailCode = (code: string): code is StatusDetailCode => (STATUS_DETAIL_CODES as readonly string[]).includes(code);
