/** The status label of a request whose client went away before its answer was sent. */
export const ABORTED = 'aborted';
/** An answer's HTTP status, or ABORTED when none reached the client. */
export type AnswerStatus = number | typeof ABORTED;
