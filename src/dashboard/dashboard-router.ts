import { Router } from 'express';
import { z } from 'zod';
import { normalizeAccountId } from '../jobs/account-id';
import { etaHistory, type EtaPoint } from '../jobs/eta-history';
import { ASYNC_STATUSES, type Job } from '../jobs/job';
import type { JobService } from '../jobs/job-service';
import { buildStepTree, nodePercent, type StepNode } from '../jobs/step';
import type { TrackerService } from '../jobs/tracker-service';
import { VERSIONS } from '../records/versions';
import { parse } from '../json/validate';

/**
 * What the dashboard (/ui) reads beside the admin API's own job routes, under /admin and behind
 * its token: the job board, a job's ETA over time, its steps' failed items and each face's answer.
 * Mounted after the admin router, whose token check has passed by the time a request gets here.
 */

/** Samples replayed at most: a day's steps of a slow job; past it the replay starts part way. */
const MAX_REPLAYED_SAMPLES = 20_000;
/** Points the chart gets at most, spread evenly over the replay. */
const MAX_CHART_POINTS = 240;
/** Failed items listed per step. */
const LISTED_STEP_FAILURES = 100;

const boardQuery = z.object({
  account: z.string().min(1).optional(),
  status: z.enum([...ASYNC_STATUSES, 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const answersQuery = z.object({ version: z.enum(VERSIONS as [string, ...string[]]).default(VERSIONS.at(-1) as string) });

/** A job as a board row: what it is and how far it got, without its scenario. */
const boardRow = (job: Job) => ({
  id: job.id,
  account: job.account,
  source: job.source,
  name: job.name,
  operation: job.operation,
  recordType: job.recordType,
  status: job.status,
  totalItems: job.totalItems,
  processedItems: job.processedItems,
  failedItems: job.failedItems,
  submittedAt: job.submittedAt,
  startedAt: job.startedAt,
  finishedAt: job.finishedAt,
});

/** The first and last point and evenly spaced ones between, at most `max`. */
function spread(points: EtaPoint[], max: number): EtaPoint[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]);
}

/** What every face would answer about a job right now, as the job page shows it. */
export interface JobAnswerSource {
  answers(job: Job, version: string): Promise<object>;
}

export function createDashboardRouter(jobs: JobService, trackers: TrackerService, answers: JobAnswerSource): Router {
  const router = Router();

  // Jobs newest first, each with its status, percent and estimate, and how many jobs each account has in each status.
  router.get('/board', async (req, res) => {
    const query = parse(boardQuery, req.query, 'query');
    const [listed, counts] = await Promise.all([jobs.listJobs({ ...query, account: query.account && normalizeAccountId(query.account) }), jobs.countJobs()]);
    res.json({ counts, jobs: listed.map((job) => ({ ...boardRow(job), progress: job.progress })) });
  });

  router.get('/jobs/:id/eta', async (req, res) => {
    const job = await jobs.jobById(req.params.id);
    const samples = await jobs.samples(job, MAX_REPLAYED_SAMPLES);
    const history = etaHistory(job, samples);
    const progress = await jobs.statusOf(job);
    res.json({
      jobId: job.id,
      status: job.status,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      // Fewer samples than asked for: the replay began at the job's start, as the worker's fold did.
      fromStart: samples.length < MAX_REPLAYED_SAMPLES,
      samples: samples.length,
      points: spread(history.points, MAX_CHART_POINTS),
      current: progress,
      now: trackers.now(),
    });
  });

  // The step tree as the faces report it (each node's percent as ServiceNow shows it), with each
  // step's first failed items; [] for a job without steps, or one expired with its steps.
  router.get('/jobs/:id/step-tree', async (req, res) => {
    const job = await jobs.jobById(req.params.id);
    const found = await trackers.findNode(job.id);
    const steps = found?.tree.steps ?? [];
    // Polled every second while the job runs: only failures are read, at most a page per step.
    const items = await trackers.stepFailures(
      steps.map((step) => step.sysId),
      LISTED_STEP_FAILURES,
    );
    const view = (node: StepNode): unknown => {
      const failures = items.get(node.sysId) ?? [];
      return {
        sysId: node.sysId,
        name: node.name,
        state: node.state,
        percent: nodePercent(node),
        totalItems: node.totalItems,
        processedItems: node.processedItems,
        failedItems: node.failedItems,
        message: node.message,
        detailMessage: node.detailMessage,
        startedAt: node.startedAt,
        completedAt: node.completedAt,
        failures: failures.slice(0, LISTED_STEP_FAILURES).map(({ item, code, message }) => ({ item, code, message })),
        children: node.children.map(view),
      };
    };
    res.json({ steps: buildStepTree(steps).map(view) });
  });

  router.get('/jobs/:id/answers', async (req, res) => {
    const { version } = parse(answersQuery, req.query, 'query');
    const job = await jobs.jobById(req.params.id);
    res.json({ versions: VERSIONS, ...(await answers.answers(job, version)) });
  });

  return router;
}
