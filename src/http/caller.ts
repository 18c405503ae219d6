import type { Request } from 'express';
import type { Principal } from '../accounts/account';
import type { Authenticator } from '../accounts/authenticator';
import { isStorableText } from '../text';

/**
 * Who a request to a JSON face acts for: HTTP Basic with a token id as the user name and its
 * token secret as the password (the same tokens SOAP's tokenPassport uses). With AUTHENTICATION
 * off, the account named by the X-Account header, or the default account.
 */
export async function callerOf(req: Request, authenticator: Authenticator): Promise<Principal> {
  const principal = await authenticator.authenticateBasic(basicCredentials(req.headers.authorization), req.get('x-account') || undefined);
  // For the request journal (src/http/journal-requests.ts): the account the request acted for.
  if (req.res) req.res.locals.account = principal.account;
  return principal;
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
