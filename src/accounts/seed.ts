import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, ACCOUNT_ID_RULE } from '../jobs/account-id';
import type { AccountService } from './account-service';

/**
 * Accounts with their integrations, tokens and passport users, as a fixtures file's `accounts`
 * give them (src/state/fixtures.ts), applied at every start. What it names is created or
 * brought to what it says; what it does not name is left alone. Secrets are given in full here,
 * since nobody would see generated ones.
 */

export const accountIdSchema = z.string().regex(ACCOUNT_ID_PATTERN, ACCOUNT_ID_RULE);
const key = z.string().min(1).max(200);
const limit = (max: number) => z.number().int().min(0).max(max).nullable().optional();

export const limitsSchema = z
  .object({
    concurrentRequests: limit(100_000),
    maxResultCalls: limit(1_000_000),
    minPollIntervalSeconds: limit(86_400),
    responseDelayMs: limit(600_000),
  })
  .strict();

export const seedSchema = z
  .object({
    accounts: z.array(
      z
        .object({
          id: accountIdSchema,
          name: z.string().min(1).max(200).optional(),
          limits: limitsSchema.optional(),
          integrations: z
            .array(
              z
                .object({
                  name: z.string().min(1).max(200),
                  consumerKey: key,
                  consumerSecret: key,
                  enabled: z.boolean().optional(),
                  tokens: z
                    .array(
                      z
                        .object({
                          tokenId: key,
                          tokenSecret: key,
                          role: z.number().int().optional(),
                          webServices: z.boolean().optional(),
                          revoked: z.boolean().optional(),
                        })
                        .strict(),
                    )
                    .default([]),
                })
                .strict(),
            )
            .default([]),
          users: z
            .array(z.object({ email: z.string().email(), password: z.string().min(1), role: z.number().int().optional(), webServices: z.boolean().optional() }).strict())
            .default([]),
        })
        .strict(),
    ),
  })
  .strict();

export type Seed = z.infer<typeof seedSchema>;

/** Applies a seed: creates what it names, or brings it to what it says. */
export async function applySeed(accounts: AccountService, seed: Seed): Promise<void> {
  for (const account of seed.accounts) {
    await accounts.ensure({ id: account.id, name: account.name, limits: account.limits });
    for (const integration of account.integrations) {
      await accounts.addIntegration(account.id, integration);
      for (const token of integration.tokens) {
        const { tokenId } = await accounts.addToken(account.id, { ...token, consumerKey: integration.consumerKey });
        if (token.revoked) await accounts.revokeToken(tokenId);
      }
    }
    for (const user of account.users) await accounts.addUser(account.id, user);
  }
}
