import { Router } from 'express';
import { z } from 'zod';
import type { AccountService } from '../accounts/account-service';
import type { RequestSlots } from '../accounts/request-slots';
import { accountIdSchema, limitsSchema } from '../accounts/seed';
import { parse } from '../json/validate';

/**
 * Accounts and credentials, under /admin (behind the admin token): accounts with their limits,
 * integrations, tokens, passport users, and the login audit of refused logins. Secrets are in the
 * answer that creates them and never again.
 */

const credential = z.string().min(1).max(200);

const newAccount = z.object({ id: accountIdSchema, name: z.string().min(1).max(200).optional(), limits: limitsSchema.optional() }).strict();
const accountChange = z.object({ name: z.string().min(1).max(200).optional(), limits: limitsSchema.optional() }).strict();
const newIntegration = z
  .object({ name: z.string().min(1).max(200), consumerKey: credential.optional(), consumerSecret: credential.optional(), enabled: z.boolean().optional() })
  .strict();
const integrationChange = z.object({ enabled: z.boolean() }).strict();
const newToken = z
  .object({ consumerKey: credential, tokenId: credential.optional(), tokenSecret: credential.optional(), role: z.number().int().optional(), webServices: z.boolean().optional() })
  .strict();
const newUser = z
  .object({ email: z.string().email().max(200), password: z.string().min(1).max(200), role: z.number().int().optional(), webServices: z.boolean().optional() })
  .strict();
const auditQuery = z.object({ account: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });

export function createAccountsRouter(accounts: AccountService, slots: RequestSlots): Router {
  const router = Router();

  router.get('/accounts', async (_req, res) => {
    res.json({ accounts: await accounts.list() });
  });

  router.post('/accounts', async (req, res) => {
    const created = await accounts.create(parse(newAccount, req.body, 'body'));
    res
      .status(201)
      .location(`/admin/accounts/${encodeURIComponent(created.id)}`)
      .json(created);
  });

  // With the SOAP requests it has in flight now (what its concurrency limit counts).
  router.get('/accounts/:id', async (req, res) => {
    const details = await accounts.details(req.params.id);
    res.json({ ...details, requestsInFlight: await slots.inFlight(details.id) });
  });

  router.patch('/accounts/:id', async (req, res) => {
    res.json(await accounts.update(req.params.id, parse(accountChange, req.body, 'body')));
  });

  router.delete('/accounts/:id', async (req, res) => {
    await accounts.remove(req.params.id);
    res.status(204).end();
  });

  router.post('/accounts/:id/integrations', async (req, res) => {
    res.status(201).json(await accounts.addIntegration(req.params.id, parse(newIntegration, req.body, 'body')));
  });

  router.patch('/integrations/:consumerKey', async (req, res) => {
    await accounts.setIntegrationEnabled(req.params.consumerKey, parse(integrationChange, req.body, 'body').enabled);
    res.status(204).end();
  });

  router.post('/accounts/:id/tokens', async (req, res) => {
    res.status(201).json(await accounts.addToken(req.params.id, parse(newToken, req.body, 'body')));
  });

  router.post('/tokens/:tokenId/revoke', async (req, res) => {
    await accounts.revokeToken(req.params.tokenId);
    res.status(204).end();
  });

  router.post('/accounts/:id/users', async (req, res) => {
    const user = parse(newUser, req.body, 'body');
    await accounts.addUser(req.params.id, user);
    res.status(201).json({ email: user.email.trim().toLowerCase() });
  });

  router.delete('/accounts/:id/users/:email', async (req, res) => {
    await accounts.removeUser(req.params.id, req.params.email);
    res.status(204).end();
  });

  router.get('/login-audit', async (req, res) => {
    res.json({ failures: await accounts.loginFailures(parse(auditQuery, req.query, 'query')) });
  });

  return router;
}
