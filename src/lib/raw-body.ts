import type { IncomingMessage } from 'node:http';

/**
 * A request's body as it was read, kept by the body parsers of the JSON faces (their `verify`) for
 * the request journal, which stores it as sent rather than serialising what was parsed from it.
 */

const bodies = new WeakMap<IncomingMessage, Buffer>();

export function keepRawBody(req: IncomingMessage, body: Buffer): void {
  bodies.set(req, body);
}

/** The body as read, or undefined when nothing read it (a refused caller's, a GET's). */
export function rawBodyOf(req: IncomingMessage): Buffer | undefined {
  return bodies.get(req);
}
