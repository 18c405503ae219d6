import { Router } from 'express';
import { z } from 'zod';
import { accountIdSchema } from '../accounts/seed';
import { normalizeAccountId } from '../jobs/account-id';
import { parse } from '../json/validate';
import { NotFoundError } from '../lib/errors';
import type { StoredRecord } from '../records/record';
import type { RecordBrowser } from '../records/record-store';

/**
 * The records an account holds, whichever operation wrote them (asyncAddList's jobs, add, upsert,
 * fixtures): GET /admin/records pages them in internalId order, GET /admin/records/<internalId>
 * shows one.
 */

const INTERNAL_ID = /^[1-9]\d{0,17}$/;
const listQuery = z
  .object({
    account: accountIdSchema.optional(),
    recordType: z
      .string()
      .regex(/^[a-z][A-Za-z0-9]{0,99}$/, 'must be a record type such as customer')
      .optional(),
    after: z.string().regex(INTERNAL_ID, 'must be an internalId, in digits').optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
const accountQuery = z.object({ account: accountIdSchema.optional() }).strict();
const idParams = z.object({ internalId: z.string().regex(INTERNAL_ID, 'must be an internalId, in digits') });

const shown = (record: StoredRecord) => ({
  recordType: record.recordType,
  internalId: record.internalId,
  externalId: record.externalId,
  createdAt: record.createdAt?.toISOString(),
  updatedAt: record.updatedAt?.toISOString(),
  fields: record.fields,
});

export function createRecordsRouter(records: RecordBrowser, defaultAccount: string): Router {
  const router = Router();

  router.get('/records', async (req, res) => {
    const { account, recordType, after, limit } = parse(listQuery, req.query, 'query');
    const owner = normalizeAccountId(account ?? defaultAccount);
    const page = await records.list(owner, { recordType, after, limit });
    res.json({ account: owner, records: page.map(shown), next: page.length === limit ? page[page.length - 1].internalId : null });
  });

  router.get('/records/:internalId', async (req, res) => {
    const { account } = parse(accountQuery, req.query, 'query');
    const { internalId } = parse(idParams, req.params, 'path');
    const owner = normalizeAccountId(account ?? defaultAccount);
    const record = await records.byInternalId(owner, internalId);
    if (!record) throw new NotFoundError(`Account ${owner} has no record ${internalId}.`);
    res.json(shown(record));
  });

  return router;
}
