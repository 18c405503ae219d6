import type { RequestCredentials } from '../accounts/authenticator';
import type { SoapRequest } from './envelope-parser';
import { featuresOf } from '../records/versions';
import { ATTRIBUTE_PREFIX, attribute, child, text, type XmlNode } from './xml-read';

/**
 * The credential headers of a request, read by local name (netsuite-php puts tokenPassport in a
 * namespace of its own). Values are trimmed; what is missing stays undefined.
 */

const value = (node: XmlNode | undefined, name: string) => text(child(node, name))?.trim();

/**
 * A header element marked xsi:nil stands for no header: JAX-WS clients built with wsimport
 * -XadditionalHeaders send every header the WSDL declares, the unused ones as nil.
 */
function present(node: XmlNode | undefined): XmlNode | undefined {
  if (node === undefined || typeof node === 'string') return node;
  for (const key in node) {
    // A prefixed attribute whose local name is nil (as localName reads it: after the first colon).
    if (!key.startsWith(ATTRIBUTE_PREFIX) || key.indexOf(':') !== key.length - 4 || !key.endsWith(':nil')) continue;
    const flag = node[key];
    if (flag === 'true' || flag === '1') return undefined;
  }
  return node;
}

/** `address` is the client's network address (the socket's), for the limit on failed logins from one address. */
export function readCredentials(request: SoapRequest, version: string, sessionId?: string, address?: string): RequestCredentials {
  const tokenPassport = present(request.headers.get('tokenPassport'));
  const passport = present(request.headers.get('passport'));
  const signature = child(tokenPassport, 'signature');
  const role = child(passport, 'role');
  return {
    tokenPassport:
      tokenPassport !== undefined
        ? {
            account: value(tokenPassport, 'account'),
            consumerKey: value(tokenPassport, 'consumerKey'),
            token: value(tokenPassport, 'token'),
            nonce: value(tokenPassport, 'nonce'),
            timestamp: value(tokenPassport, 'timestamp'),
            signature: text(signature)?.trim(),
            algorithm: attribute(signature, 'algorithm'),
          }
        : undefined,
    passport:
      passport !== undefined
        ? {
            email: value(passport, 'email'),
            password: text(child(passport, 'password')),
            account: value(passport, 'account'),
            role: attribute(role, 'internalId') ?? attribute(role, 'externalId'),
          }
        : undefined,
    applicationInfo: present(request.headers.get('applicationInfo')) !== undefined,
    passportAllowed: featuresOf(version).passport,
    sessionId,
    version,
    address,
  };
}
