import { Router } from 'express';
import { z } from 'zod';
import { accountIdSchema } from '../accounts/seed';
import { parse } from '../json/validate';
import { savedSearchSchema } from '../state/saved-search-input';
import type { SavedSearchService } from '../state/saved-search-service';

/** Saved searches: POST and GET /admin/saved-searches, DELETE /admin/saved-searches/<internalId>. */

const listQuery = z.object({ account: accountIdSchema.optional(), searchType: z.string().min(1).max(100).optional() }).strict();
const accountQuery = z.object({ account: accountIdSchema.optional() }).strict();
const idParams = z.object({ internalId: z.string().regex(/^[1-9]\d{0,17}$/, 'must be a whole number from 1, in digits') });

export function createSavedSearchesRouter(savedSearches: SavedSearchService): Router {
  const router = Router();

  router.post('/saved-searches', async (req, res) => {
    res.status(201).json(await savedSearches.define(parse(savedSearchSchema, req.body, 'body')));
  });

  router.get('/saved-searches', async (req, res) => {
    const { account, searchType } = parse(listQuery, req.query, 'query');
    res.json({ savedSearches: await savedSearches.list(account, searchType) });
  });

  router.delete('/saved-searches/:internalId', async (req, res) => {
    const { account } = parse(accountQuery, req.query, 'query');
    const { internalId } = parse(idParams, req.params, 'path');
    await savedSearches.remove(account, internalId);
    res.status(204).end();
  });

  return router;
}
