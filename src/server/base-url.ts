import type { IncomingMessage } from 'node:http';

const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The URL clients reached us by, for links written into WSDLs: PUBLIC_URL when set, else the Host
 * header (and X-Forwarded-Proto) when it looks like a host, else localhost.
 */
export function baseUrlOf(req: IncomingMessage, publicUrl?: string): string {
  if (publicUrl) return publicUrl;
  const host = req.headers.host ?? '';
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim();
  const protocol = forwarded === 'https' ? 'https' : 'http';
  return `${protocol}://${HOST_PATTERN.test(host) ? host : 'localhost'}`;
}
