import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The id a request is logged under and answered with (X-Request-Id): the caller's own, so a
 * client or proxy can follow its call into our logs, or a new one. A caller's id is kept to the
 * characters ids are made of and cut to a length, so it cannot forge log fields or flood a line.
 */

export const REQUEST_ID_HEADER = 'X-Request-Id';
export const MAX_REQUEST_ID_LENGTH = 64;

const NOT_ID_CHARACTERS = /[^A-Za-z0-9._:-]/g;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && given !== '') {
    const kept = given.replace(NOT_ID_CHARACTERS, '').slice(0, MAX_REQUEST_ID_LENGTH);
    if (kept !== '') return kept;
  }
  return randomUUID();
}
