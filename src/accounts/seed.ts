import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { AccountService } from './account-service';

/**
 * The seed file (SEED_FILE): accounts with their integrations, tokens and passport users, applied
 * at every start. What it names is created or brought to what it says; what it does not name is
 * left alone. Secrets are given in full here, since nobody would see generated ones.
 */

const accountId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or - (e.g. TSTDRV1234567 or 1234567_SB1)');
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
          id: accountId,
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
    const field = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
    throw new ValidationError(field, `SEED_FILE ${file}: ${field || 'the file'}: ${issue.message}`);
  }
  return result.data;
}

/** Applies a seed; returns how many accounts it named. */
export async function applySeed(accounts: AccountService, seed: Seed): Promise<number> {
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
  return seed.accounts.length;
}
