import { Router, type Request } from 'express';
import { z } from 'zod';
import { fieldsWithin } from '../lib/field-path';
import { parseFixtures, toFixtures } from '../state/fixtures';
import type { StateService } from '../state/state-service';
import { accountIdSchema } from '../accounts/seed';
import { parse } from '../json/validate';

/**
 * POST /admin/reset (everything, or ?account=<id>) and POST /admin/fixtures (JSON, or YAML with
 * Content-Type application/yaml). Both answer once their transaction has committed.
 */

/** Content types a YAML fixtures body may come as; app.ts reads these bodies as text. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

const resetQuery = z.object({ account: accountIdSchema.optional() }).strict();
const resetBody = z
  .object({
    seed: z.string().min(1).max(200).optional(),
    clock: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-01-15T10:00:00Z' }).optional(),
    fixtures: z.unknown().optional(),
  })
  .strict();

export function createStateRouter(state: StateService): Router {
  const router = Router();

  router.post('/reset', async (req: Request, res) => {
    const { account } = parse(resetQuery, req.query, 'query');
    const body = parse(resetBody, bodyOf(req), 'body');
    const fixtures = body.fixtures === undefined ? undefined : fieldsWithin('fixtures', () => toFixtures(body.fixtures));
    res.json(await state.reset({ account, seed: body.seed, clock: body.clock === undefined ? undefined : new Date(body.clock), fixtures }));
  });

  router.post('/fixtures', async (req: Request, res) => {
    const fixtures = typeof req.body === 'string' ? parseFixtures(req.body, 'yaml') : toFixtures(bodyOf(req));
    res.status(201).json(await state.load(fixtures));
  });

  return router;
}

/** An empty body is an empty object: a bare POST /admin/reset resets everything. */
const bodyOf = (req: Request): unknown => (req.body === undefined || req.body === '' ? {} : req.body);
