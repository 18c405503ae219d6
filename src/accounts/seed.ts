import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { fieldPath } from '../field-path';
import { ACCOUNT_ID_PATTERN, ACCOUNT_ID_RULE } from '../jobs/account-id';
import type { AccountService } from './account-service';

/**
 * The seed file (SEED_FILE): accounts with their integrations, tokens and passport users, applied
 * at every start. What it names is created or brought to what it says; what it does not name is
 * left alone. Secrets are given in full here, since nobody would see generated ones.
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

const seedSchema = z
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
            .array(
              z.object({ email: z.string().email(), password: z.string().min(1), role: z.number().int().optional(), webServices: z.boolean().optional() }).strict(),
            )
            .default([]),
        })
        .strict(),
    ),
  })
  .strict();

export type Seed = z.infer<typeof seedSchema>;

/** Reads and checks a seed file; a ValidationError names the file and the offending field. */
export function readSeedFile(file: string): Seed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ValidationError('SEED_FILE', `SEED_FILE ${file} could not be read as JSON: ${(error as Error).message}`);
  }
  const result = seedSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = fieldPath(issue.path);
    throw new ValidationError(field, `SEED_FILE ${file}: ${field || 'the file'}: ${issue.message}`);
  }
  return result.data;
}

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
