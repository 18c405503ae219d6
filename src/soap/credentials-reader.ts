import type { RequestCredentials } from '../accounts/authenticator';
import type { SoapRequest } from './envelope-parser';
import { featuresOf } from './versions';
import { attribute, child, text, type XmlNode } from './xml-read';

/**
 * The credential headers of a request, read by local name (netsuite-php puts tokenPassport in a
 * namespace of its own). Values are trimmed; what is missing stays undefined.
 */

const value = (node: XmlNode | undefined, name: string) => text(child(node, name))?.trim();

export function readCredentials(request: SoapRequest, version: string): RequestCredentials {
  const tokenPassport = request.headers.get('tokenPassport');
  const passport = request.headers.get('passport');
  const signature = child(tokenPassport, 'signature');
  const role = child(passport, 'role');
  return {
    tokenPassport: tokenPassport !== undefined ? {
      account: value(tokenPassport, 'account'),
      consumerKey: value(tokenPassport, 'consumerKey'),
      token: value(tokenPassport, 'token'),
      nonce: value(tokenPassport, 'nonce'),
      timestamp: value(tokenPassport, 'timestamp'),
      signature: text(signature)?.trim(),
      algorithm: attribute(signature, 'algorithm'),
    } : undefined,
    passport: passport !== undefined ? {
      email: value(passport, 'email'),
      password: text(child(passport, 'password')),
      account: value(passport, 'account'),
      role: attribute(role, 'internalId') ?? attribute(role, 'externalId'),
    } : undefined,
    applicationInfo: request.headers.has('applicationInfo'),
    passportAllowed: featuresOf(version).passport,
    version,
  };
}
