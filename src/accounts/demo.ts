import type { Seed } from './seed';

/**
 * The demo account a fresh install creates (DEMO_ACCOUNT=on), with published credentials so the
 * README's examples work as written. Anyone who reads the README can use them: revoke the demo
 * token (POST /admin/tokens/<id>/revoke) or start with DEMO_ACCOUNT=off on a shared network.
 */
export const DEMO = {
  consumerKey: 'demo-consumer-key',
  consumerSecret: 'demo-consumer-secret',
  tokenId: 'demo-token-id',
  tokenSecret: 'demo-token-secret',
  email: 'demo@example.com',
  password: 'demo-password',
  role: 3,
} as const;

export function demoSeed(account: string): Seed {
  return {
    accounts: [
      {
        id: account,
        name: 'Demo account',
        integrations: [
          {
            name: 'Demo integration',
            consumerKey: DEMO.consumerKey,
            consumerSecret: DEMO.consumerSecret,
            tokens: [{ tokenId: DEMO.tokenId, tokenSecret: DEMO.tokenSecret, role: DEMO.role }],
          },
        ],
        users: [{ email: DEMO.email, password: DEMO.password, role: DEMO.role }],
      },
    ],
  };
}
