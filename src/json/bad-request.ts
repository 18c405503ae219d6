/**
 * A request express could not read: a path parameter that is not percent-encoded UTF-8 (URIError)
 * or another refusal express marks 400. Answered 400, never as an unexpected error.
 */
export const isBadPath = (error: unknown): boolean => error instanceof URIError || (error as { status?: number }).status === 400;
export const BAD_PATH = 'The request could not be read: the path or body is not valid (percent-encoded) UTF-8.';
