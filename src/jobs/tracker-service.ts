import { createHash } from 'node:crypto';
import type { Clock } from '../lib/clock';
import { ConflictError, NotFoundError } from '../lib/errors';
import { isWorkerJob, type ItemResult, type Job } from './job';
import { randomIds, type IdSource } from './id-source';
import { checkStepsPerJob, newStepRows, planChange, type JobTree, type TreeChange } from './job-tree';
import type { JobStore } from './job-store';
import { countSteps, type NewStep, type StepItem } from './step';
import type { TreeStore } from './tree-store';
import { isStorableText } from '../lib/text';

/**
 * The progress API's operations and what the ServiceNow and Salesforce faces read: jobs as trees,
 * created and advanced by the systems that do the work, read by any face.
 */

export interface NewTrackedJob {
  /** Chosen by the client so that a retried create answers with the job the first one made. */
  clientId?: string;
  name: string;
  referenceId?: string;
  additionalData?: unknown;
  message?: string;
  steps?: NewStep[];
  /** Told when the job ends (see NewJob). */
  callbackUrl?: string;
}

export interface TrackerServiceSettings {
  retentionDays: number;
}

/** Ids longer than any this service makes are refused without a look-up. */
export const MAX_NODE_ID_LENGTH = 200;
/** Most processes one reference id answers with. */
export const MAX_PROCESSES_PER_REFERENCE = 1000;
/** Most item outcomes a SOAP job lists in the Salesforce face. */
export const MAX_LISTED_SOAP_ITEMS = 2000;

const DAY_MS = 24 * 60 * 60 * 1000;

export class TrackerService {
  constructor(
    private readonly trees: TreeStore,
    private readonly jobs: JobStore,
    private readonly clock: Clock,
    private readonly settings: TrackerServiceSettings,
    private readonly ids: IdSource = randomIds,
  ) {}

  /** Creates a job; with a client id already used by the account, answers the first job (created false) or 409 when the request differs. */
  async create(account: string, input: NewTrackedJob): Promise<{ tree: JobTree; created: boolean }> {
    const now = this.clock.now();
    const id = await this.ids.jobId(account, now);
    const stepCount = countSteps(input.steps ?? [], childrenOf);
    checkStepsPerJob(id, 0, stepCount);
    const [sysId, ...stepIds] = await this.ids.sysIds(account, 1 + stepCount);
    const outcome = await this.trees.createExternalJob({
      id,
      sysId,
      account,
      name: input.name,
      referenceId: input.referenceId ?? null,
      additionalData: input.additionalData ?? null,
      message: input.message ?? null,
      clientId: input.clientId ?? null,
      callbackUrl: input.callbackUrl ?? null,
      clientRequestHash: input.clientId === undefined ? null : createHash('sha256').update(JSON.stringify(input)).digest('hex'),
      submittedAt: now,
      expiresAt: new Date(now.getTime() + this.settings.retentionDays * DAY_MS),
      steps: newStepRows(id, null, input.steps ?? [], 0, now, supply(stepIds)),
    });
    if (outcome.kind === 'clash') {
      throw new ConflictError('clientId', `Client id ${input.clientId} was already used for job ${outcome.job.id} with a different request.`);
    }
    return { tree: outcome.tree, created: outcome.kind === 'created' };
  }

  async read(account: string, jobId: string): Promise<JobTree> {
    const tree = plausibleId(jobId) ? await this.trees.readTree(account, jobId, this.clock.now()) : undefined;
    if (!tree) throw new NotFoundError(`No job ${truncate(jobId)} in account ${account}.`);
    return tree;
  }

  /** Applies a change to the job (target null) or one of its steps. */
  async change(account: string, jobId: string, target: string | null, change: TreeChange): Promise<JobTree> {
    const now = this.clock.now();
    // New steps' sys_ids are taken before the job is locked: taking seeded ones is a query of its own.
    const stepIds = change.kind === 'children' && plausibleId(jobId) ? await this.ids.sysIds(account, countSteps(change.steps, childrenOf)) : [];
    const tree = plausibleId(jobId) ? await this.trees.changeTree(account, jobId, now, (before) => planChange(before, target, change, now, supply(stepIds))) : undefined;
    if (!tree) throw new NotFoundError(`No job ${truncate(jobId)} in account ${account}.`);
    return tree;
  }

  /** The ServiceNow face's look-up: a job or step by id, whatever its account (the face decides what the caller may see). */
  async findNode(id: string) {
    if (!plausibleId(id)) return undefined;
    return this.trees.findNode(id, this.clock.now());
  }

  /** The Salesforce face's look-up, within the caller's account. */
  async findProcesses(account: string, idOrReference: string): Promise<JobTree[]> {
    if (!plausibleId(idOrReference)) return [];
    return this.trees.findProcesses(account, idOrReference, this.clock.now(), MAX_PROCESSES_PER_REFERENCE);
  }

  /** Item outcomes of the given steps. */
  stepItems(stepSysIds: string[]): Promise<Map<string, StepItem[]>> {
    return this.trees.readStepItems(stepSysIds);
  }

  /** Each step's first `limit` failed items (for views that list failures only). */
  stepFailures(stepSysIds: string[], limit: number): Promise<Map<string, StepItem[]>> {
    return this.trees.readStepFailures(stepSysIds, limit);
  }

  /** The first outcomes of a SOAP job, for faces that list items. */
  async soapItems(job: Job): Promise<ItemResult[]> {
    if (!isWorkerJob(job) || job.processedItems === 0) return [];
    return this.jobs.readItems(job.id, 1, Math.min(job.processedItems, MAX_LISTED_SOAP_ITEMS));
  }

  now(): Date {
    return this.clock.now();
  }
}

/** An id that could name something here: not empty, not too long, storable text. */
const plausibleId = (id: string): boolean => id.length > 0 && id.length <= MAX_NODE_ID_LENGTH && isStorableText(id);

const truncate = (id: string): string => (id.length > MAX_NODE_ID_LENGTH ? `${id.slice(0, MAX_NODE_ID_LENGTH)}…` : id);

const childrenOf = (step: NewStep): NewStep[] | undefined => step.children;

/** Hands out the given ids in order. */
function supply(ids: string[]): () => string {
  let next = 0;
  return () => {
    if (next >= ids.length) throw new Error('more new steps than sys_ids taken for them');
    return ids[next++];
  };
}
