import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../accounts/authenticator';
import { callerOf } from '../json/caller';
import { asyncStatusOf } from '../jobs/job';
import { jobState, type JobTree, type TreeChange } from '../jobs/job-tree';
import { percentCompleted } from '../jobs/eta';
import { buildStepTree, MAX_STEPS_PER_REQUEST, nodePercent, type NewStep, type StepNode } from '../jobs/step';
import type { TrackerService } from '../jobs/tracker-service';
import { checkJsonBody } from '../lib/json-body';
import { checkRequestCaps } from './progress-caps';
import { parse } from '../json/validate';
import { callbackUrlSchema } from '../callbacks/callback-url';

/**
 * The progress API, under /progress: the server-side half of both seeds (ServiceNow's execution
 * tracker methods, Salesforce's start and finish process). Whatever system does the work creates
 * a job with steps, reports percent, item counts and item outcomes, and ends it; the SOAP,
 * ServiceNow and Salesforce faces read it from the same rows at once. Callers authenticate with a
 * token (HTTP Basic) and act on their own account's jobs.
 */

const MAX_DEPTH = 20;
/** How deep a body may nest (a step is an object in an array), and why; app.ts refuses deeper ones before parsing. */
export const PROGRESS_BODY_NESTING = { maxDepth: MAX_DEPTH * 2 + 4, why: `steps nest at most ${MAX_DEPTH} deep` };

const text = (max: number) => z.string().max(max);
const json = z.unknown().refine((value) => value !== undefined, 'must be a JSON value');
const count = z.number().int().min(0).max(2_000_000_000);
const percent = z.number().min(0).max(100);

const stepSchema: z.ZodType<NewStep> = z.lazy(() =>
  z
    .object({
      name: text(200).min(1),
      order: z.number().int().min(-2_000_000_000).max(2_000_000_000).optional(),
      totalItems: count.optional(),
      steps: z.array(stepSchema).max(MAX_STEPS_PER_REQUEST).optional(),
    })
    .strict()
    .transform(({ steps, ...step }) => ({ ...step, children: steps })),
) as unknown as z.ZodType<NewStep>;

const newJob = z
  .object({
    clientId: text(200).min(1).optional(),
    name: text(200).min(1),
    referenceId: text(200).min(1).optional(),
    additionalData: json.optional(),
    message: text(4000).optional(),
    steps: z.array(stepSchema).max(MAX_STEPS_PER_REQUEST).optional(),
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict();

const nodeFields = {
  percentComplete: percent.optional(),
  incrementPercentComplete: z.number().min(-100).max(100).optional(),
  message: text(4000).optional(),
  detailMessage: text(4000).optional(),
  result: json.optional(),
};
const jobUpdate = z.object({ ...nodeFields, name: text(200).min(1).optional(), referenceId: text(200).min(1).nullable().optional(), additionalData: json.optional() }).strict();
const stepUpdate = z
  .object({
    ...nodeFields,
    totalItems: count.optional(),
    processedItems: count.optional(),
    incrementProcessedItems: z.number().int().min(-2_000_000_000).max(2_000_000_000).optional(),
  })
  .strict();
const newSteps = z.object({ steps: z.array(stepSchema).min(1).max(MAX_STEPS_PER_REQUEST) }).strict();
const itemOutcomes = z
  .object({
    successes: z.array(json).optional(),
    failures: z
      .array(
        z
          .object({
            items: z.array(json).min(1),
            code: z.union([z.string().max(200), z.number()]).optional(),
            statusMessage: text(4000).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
const ending = z.object({ message: text(4000).optional(), detailMessage: text(4000).optional(), result: json.optional() }).strict();

const ENDINGS = { success: 'successful', fail: 'failed', cancel: 'cancelled' } as const;

export function createProgressRouter(trackers: TrackerService, authenticator: Authenticator): Router {
  const router = Router();
  router.use((req, _res, next) => {
    checkRequestCaps(req.body);
    checkJsonBody(req.body, PROGRESS_BODY_NESTING.maxDepth, PROGRESS_BODY_NESTING.why);
    next();
  });
  const accountOf = async (req: Request) => (await callerOf(req, authenticator)).account;
  const stepOf = (req: Request) => (req.params.sysId as string | undefined) ?? null;

  router.post('/jobs', async (req, res) => {
    const account = await accountOf(req);
    const input = parse(newJob, req.body, 'body');
    const { tree, created } = await trackers.create(account, input);
    res
      .status(created ? 201 : 200)
      .location(`/progress/jobs/${encodeURIComponent(tree.job.id)}`)
      .json(treeJson(tree));
  });

  router.get('/jobs/:jobId', async (req, res) => {
    res.json(treeJson(await trackers.read(await accountOf(req), req.params.jobId)));
  });

  const change = async (req: Request, body: TreeChange) => trackers.change(await accountOf(req), req.params.jobId as string, stepOf(req), body);

  for (const path of ['/jobs/:jobId', '/jobs/:jobId/steps/:sysId']) {
    router.patch(path, async (req, res) => {
      const update = stepOf(req) === null ? parse(jobUpdate, req.body, 'body') : parse(stepUpdate, req.body, 'body');
      res.json(treeJson(await change(req, { kind: 'update', update })));
    });
    router.post(`${path}/steps`, async (req, res) => {
      const { steps } = parse(newSteps, req.body, 'body');
      res.status(201).json(treeJson(await change(req, { kind: 'children', steps })));
    });
    router.post(`${path}/items`, async (req, res) => {
      const body = parse(itemOutcomes, req.body, 'body');
      const failures = (body.failures ?? []).map((group) => ({ items: group.items, code: group.code ?? null, message: group.statusMessage ?? null }));
      res.json(treeJson(await change(req, { kind: 'items', successes: body.successes ?? [], failures })));
    });
    for (const [action, state] of Object.entries(ENDINGS)) {
      router.post(`${path}/${action}`, async (req, res) => {
        res.json(treeJson(await change(req, { kind: 'end', state, ...parse(ending, req.body ?? {}, 'body') })));
      });
    }
  }
  return router;
}

/** The progress API's own view of a job: the tree with every node's figures. */
export function treeJson(tree: JobTree) {
  const { job } = tree;
  const node = (step: StepNode): unknown => ({
    sysId: step.sysId,
    name: step.name,
    order: step.order,
    state: step.state,
    percentComplete: round(nodePercent(step)),
    message: step.message,
    detailMessage: step.detailMessage,
    result: step.result,
    totalItems: step.totalItems,
    processedItems: step.processedItems,
    failedItems: step.failedItems,
    startedAt: step.startedAt,
    completedAt: step.completedAt,
    updatedAt: step.updatedAt,
    steps: step.children.map(node),
  });
  return {
    id: job.id,
    sysId: job.sysId,
    clientId: job.clientId,
    callbackUrl: job.callbackUrl,
    name: job.name,
    referenceId: job.referenceId,
    state: jobState(job),
    status: asyncStatusOf(job.status),
    percentComplete: round(percentCompleted(job)),
    message: job.message,
    detailMessage: job.detailMessage,
    result: job.result,
    additionalData: job.additionalData,
    submittedAt: job.submittedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    updatedAt: job.updatedAt,
    expiresAt: job.expiresAt,
    steps: buildStepTree(tree.steps).map(node),
  };
}

const round = (value: number): number => Math.round(value * 100) / 100;
