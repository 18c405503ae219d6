import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Principal } from '../accounts/account';
import type { Authenticator } from '../accounts/authenticator';
import { AuthError } from '../lib/errors';
import { isStorableText } from '../lib/text';

/**
 * Who a request to a JSON face acts for: HTTP Basic with a token id as the user name and its
 * token secret as the password (the same tokens SOAP's tokenPassport uses). With AUTHENTICATION
 * off, the account named by the X-Account header, or the default account. A request is
 * authenticated once: the caller is kept with its response.
 */
export async function callerOf(req: Request, authenticator: Authenticator): Promise<Principal> {
  const known = req.res?.locals.caller as Principal | undefined;
  if (known) return known;
  const principal = await authenticator.authenticateBasic(basicCredentials(req.headers.authorization), req.get('x-account') || undefined);
  // `account` for the request journal (src/server/call-lifecycle.ts): the account the request acted for.
  if (req.res) Object.assign(req.res.locals, { caller: principal, account: principal.account });
  return principal;
}

/**
 * Authenticates a JSON face's request before anything reads its body, so a caller without
 * credentials costs no parsing; the face's handlers find the caller with callerOf. A refusal,
 * its body left unread, is answered by `refuse`, else by the face's error handler.
 */
export function authenticateFirst(authenticator: Authenticator, refuse?: (error: AuthError, req: Request, res: Response) => void): RequestHandler {
  return async (req, res, next) => {
    try {
      await callerOf(req, authenticator);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      leaveBodyUnread(req, res);
      if (!refuse) throw error;
      return refuse(error, req, res);
    }
    next();
  };
}

/**
 * For an answer that refuses a request before its body was read: `Connection: close`, so the
 * socket is destroyed once the answer is out rather than kept alive by reading whatever body is
 * still coming (up to the face's limit, or without end). A request without a body keeps its connection.
 */
export function leaveBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody) res.setHeader('Connection', 'close');
}

/** `Basic base64(user:password)`; undefined when absent or not Basic. */
export function basicCredentials(header: string | undefined): { tokenId: string; tokenSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Not a token this service could have issued: no look-up, the same 401 as no credentials.
  if (colon < 0 || !isStorableText(decoded)) return undefined;
  return { tokenId: decoded.slice(0, colon), tokenSecret: decoded.slice(colon + 1) };
}

/** The challenge a 401 carries, so browsers and curl know to send Basic credentials. */
export const BASIC_CHALLENGE = 'Basic realm="async-status-emulator", charset="UTF-8"';
