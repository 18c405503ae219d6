import { Router } from 'express';
import { z } from 'zod';
import { ConflictError } from '../lib/errors';
import { type RequestJournal } from '../journal/request-journal';
import { JOURNAL_FACES } from '../journal/journal-entry';
import { parse } from '../json/validate';

/** GET /admin/requests (the request journal, newest first, filtered) and DELETE /admin/requests. */

const text = z.string().min(1).max(256);
const time = z
  .string()
  .refine((raw) => /^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(Date.parse(raw)), 'must be an ISO 8601 time such as 2026-01-15T10:00:00Z')
  .transform((raw) => new Date(raw));

const listQuery = z
  .object({
    account: text.optional(),
    operation: text.optional(),
    faultCode: text.optional(),
    jobId: text.optional(),
    face: z.enum(JOURNAL_FACES).optional(),
    requestId: text.optional(),
    injected: z
      .enum(['true', 'false'])
      .transform((raw) => raw === 'true')
      .optional(),
    since: time.optional(),
    until: time.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export function createJournalRouter(journal: RequestJournal | null): Router {
  const router = Router();
  const on = (): RequestJournal => {
    if (!journal) throw new ConflictError('journal', 'The request journal is off: start the service without JOURNAL=off to record requests.');
    return journal;
  };

  router.get('/requests', async (req, res) => {
    const filter = parse(listQuery, req.query, 'query');
    res.json({ requests: await on().list(filter) });
  });

  router.delete('/requests', async (_req, res) => {
    res.json({ deleted: journal ? await journal.clear() : 0 });
  });

  return router;
}
