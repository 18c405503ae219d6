import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../lib/errors';
import { accountIdSchema } from '../accounts/seed';
import { normalizeAccountId } from '../jobs/account-id';
import { defaultFaultMessage, FAULT_CODES, type FaultEffect } from '../faults/fault-rule';
import type { FaultInjector } from '../faults/fault-injector';
import { FAULT_ELEMENTS } from '../faults/fault-rule';
import { parse } from '../json/validate';

/** Injected faults: POST, GET and DELETE /admin/faults, DELETE /admin/faults/<id>. */

const MAX_DELAY_MS = 600_000;

const effectSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('fault'),
      element: z.enum(FAULT_ELEMENTS),
      code: z.enum(FAULT_CODES),
      message: z.string().min(1).max(1000).optional(),
    })
    .strict(),
  z.object({ type: z.literal('http503'), retryAfterSeconds: z.number().int().min(0).max(86_400).default(30) }).strict(),
  z.object({ type: z.literal('delay'), ms: z.number().int().min(1).max(MAX_DELAY_MS) }).strict(),
  z.object({ type: z.literal('drop') }).strict(),
]);

const ruleSchema = z
  .object({
    account: accountIdSchema,
    operation: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a SOAP operation name such as checkAsyncStatus'),
    jobId: z.string().min(1).max(200).optional(),
    effect: effectSchema,
    count: z.number().int().min(1).max(1_000_000_000).optional(),
    probability: z.number().gt(0).max(1).optional(),
    seed: z
      .number()
      .int()
      .min(-(2 ** 52))
      .max(2 ** 52)
      .optional(),
    until: z
      .string()
      .refine((raw) => /^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(Date.parse(raw)), 'must be an ISO 8601 time such as 2026-01-15T10:00:00Z')
      .transform((raw) => new Date(raw))
      .optional(),
  })
  .strict();

const idParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export function createFaultsRouter(faults: FaultInjector): Router {
  const router = Router();

  router.post('/faults', async (req, res) => {
    const input = parse(ruleSchema, req.body, 'body');
    const effect: FaultEffect = input.effect.type === 'fault' ? { ...input.effect, message: input.effect.message ?? defaultFaultMessage(input.effect.code) } : input.effect;
    const rule = await faults.create({
      account: normalizeAccountId(input.account),
      operation: input.operation,
      jobId: input.jobId ?? null,
      effect,
      count: input.count ?? null,
      probability: input.probability ?? null,
      seed: input.seed ?? 0,
      until: input.until ?? null,
    });
    res.status(201).location(`/admin/faults/${rule.id}`).json(rule);
  });

  router.get('/faults', async (_req, res) => {
    res.json({ rules: await faults.list() });
  });

  router.delete('/faults', async (_req, res) => {
    res.json({ deleted: await faults.clear() });
  });

  router.delete('/faults/:id', async (req, res) => {
    const id = parse(idParam, req.params.id, 'id');
    if (!(await faults.delete(id))) throw new NotFoundError(`There is no injected-fault rule ${id}.`);
    res.status(204).end();
  });

  return router;
}
