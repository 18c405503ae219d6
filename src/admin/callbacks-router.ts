import { Router } from 'express';
import { z } from 'zod';
import type { CallbackStore } from '../callbacks/callback-store';
import type { AccountService } from '../accounts/account-service';
import { callbackUrlSchema } from '../callbacks/callback-url';
import { parse } from '../json/validate';

/**
 * Callbacks, under /admin: an account's default callback URL, the deliveries with every attempt,
 * and the secret their signatures use.
 */

const accountCallback = z.object({ url: callbackUrlSchema.nullable() }).strict();
const deliveryQuery = z.object({
  job: z.string().min(1).max(200).optional(),
  state: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function createCallbacksRouter(store: CallbackStore, secret: string, accounts: AccountService): Router {
  const router = Router();

  router.get('/accounts/:id/callback', async (req, res) => {
    const { id } = await accounts.details(req.params.id);
    res.json({ account: id, url: (await store.accountCallback(id)) ?? null });
  });

  // Applies to the account's jobs created from now on that name no URL of their own (SOAP jobs among them).
  router.put('/accounts/:id/callback', async (req, res) => {
    const { id } = await accounts.details(req.params.id);
    const { url } = parse(accountCallback, req.body, 'body');
    await store.setAccountCallback(id, url, new Date());
    res.json({ account: id, url });
  });

  router.get('/callbacks', async (req, res) => {
    const query = parse(deliveryQuery, req.query, 'query');
    res.json({ deliveries: await store.listDeliveries({ jobId: query.job, state: query.state, limit: query.limit }) });
  });

  router.get('/callbacks/secret', (_req, res) => {
    res.json({ secret, header: 'X-Emulator-Signature', algorithm: 'HMAC-SHA256 of the request body, hex, after "sha256="' });
  });

  return router;
}
