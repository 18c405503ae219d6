import type { ItemResult } from '../jobs/job';
import { jobDisplayMessage, jobDisplayName, type JobTree } from '../jobs/job-tree';
import { buildStepTree, isEnded, type StepItem, type StepNode, type StepState } from '../jobs/step';

/**
 * The Salesforce face's JSON, shaped as CME's Async Engine status answers it: one
 * AsyncProcessStatus per process with its top-level steps as `itemsProcessed`, field names spelled
 * as Salesforce spells them ("Proccessed"), since clients parse those names.
 */

export interface StatusFlags {
  /** false: no itemsProcessed. */
  verbose: boolean;
  /** false: no successfully and failed lists in itemsProcessed. */
  itemsList: boolean;
  /** false: no statusMessage in failed entries. */
  failMessage: boolean;
}

export interface FailedEntry {
  items: unknown[];
  code: string | number | null;
  statusMessage?: string | null;
}

export interface StepStatus {
  stepNumber: number;
  stepName: string;
  status: string;
  currentNumberOfItemsProccessed: number;
  totalNumberOfItemsToBeProccessed: number;
  message: string;
  successfully?: unknown[];
  failed?: FailedEntry[];
}

export interface AsyncProcessStatus {
  referenceId: string | null;
  asyncProcessName: string;
  asyncProcessId: string;
  status: string;
  message: string;
  stepName: string;
  currentStepNumber: number;
  totalNumberOfSteps: number;
  itemsProcessed?: StepStatus[];
  additionalData: unknown;
}

export interface StatusEnvelope {
  code: number;
  statusMessage: string;
  technicalMessage: string | null;
  AsyncProcessStatus: AsyncProcessStatus[];
}

const JOB_STATUS: Record<JobTree['job']['status'], string> = {
  pending: 'Pending',
  processing: 'InProgress',
  finished: 'Success',
  // Finished, but some items failed: Salesforce marks such a step Failed, and so the process.
  finishedWithErrors: 'Failed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function stepStatus(state: StepState, failedItems: number): string {
  switch (state) {
    case 'pending':
      return 'Pending';
    case 'running':
      return 'InProgress';
    case 'successful':
      return failedItems > 0 ? 'Failed' : 'Success';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

/** A step as the face lists it, whether a real step or the one a SOAP job stands for. */
interface StepFacts {
  name: string;
  status: string;
  processed: number;
  total: number;
  message: string;
  successes: unknown[];
  failures: Array<{ item: unknown; code: string | number | null; message: string | null }>;
}

/** One process's status; `items` holds the item outcomes of its steps (read only when listed). */
export function processStatus(tree: JobTree, items: Map<string, StepItem[]>, soapItems: ItemResult[], flags: StatusFlags): AsyncProcessStatus {
  const { job } = tree;
  const roots = buildStepTree(tree.steps);
  const steps: StepFacts[] = roots.length > 0 ? roots.map((node) => stepFacts(node, items.get(node.sysId) ?? [])) : [soapStep(tree, soapItems)];
  const open = roots.findIndex((node) => !isEnded(node.state));
  const current = open >= 0 ? open : Math.max(0, steps.length - 1);
  const status: AsyncProcessStatus = {
    referenceId: job.referenceId,
    asyncProcessName: jobDisplayName(job),
    asyncProcessId: job.id,
    status: JOB_STATUS[job.status],
    message: jobDisplayMessage(job),
    stepName: steps[current]?.name ?? '',
    currentStepNumber: current,
    totalNumberOfSteps: steps.length,
  } as AsyncProcessStatus;
  if (flags.verbose) status.itemsProcessed = steps.map((step, index) => stepJson(step, index, flags));
  status.additionalData = job.additionalData ?? {};
  return status;
}

function stepFacts(node: StepNode, items: StepItem[]): StepFacts {
  return {
    name: node.name,
    status: stepStatus(node.state, node.failedItems),
    processed: node.processedItems,
    total: node.totalItems,
    message: node.message,
    successes: items.filter((item) => item.isSuccess).map((item) => item.item),
    failures: items.filter((item) => !item.isSuccess),
  };
}

/** A job the worker runs has no steps: it is one step, its operation, with its records as items. */
function soapStep({ job }: JobTree, soapItems: ItemResult[]): StepFacts {
  const ref = (item: ItemResult) => {
    const out: Record<string, unknown> = { position: item.position };
    if (item.internalId !== null) out.internalId = item.internalId;
    if (item.externalId !== null) out.externalId = item.externalId;
    return out;
  };
  return {
    name: job.operation ?? jobDisplayName(job),
    status: JOB_STATUS[job.status],
    processed: job.processedItems,
    total: job.totalItems,
    message: jobDisplayMessage(job),
    successes: soapItems.filter((item) => item.isSuccess).map(ref),
    failures: soapItems.filter((item) => !item.isSuccess).map((item) => ({ item: ref(item), code: item.code, message: item.message })),
  };
}

function stepJson(step: StepFacts, index: number, flags: StatusFlags): StepStatus {
  const json: StepStatus = {
    stepNumber: index,
    stepName: step.name,
    status: step.status,
    currentNumberOfItemsProccessed: step.processed,
    totalNumberOfItemsToBeProccessed: step.total,
    message: step.message,
  };
  if (flags.itemsList) {
    json.successfully = step.successes;
    json.failed = groupFailures(step.failures, flags.failMessage);
  }
  return json;
}

/** Failures sharing a code and message are one entry, in the order each was first reported. */
function groupFailures(failures: StepFacts['failures'], withMessage: boolean): FailedEntry[] {
  const groups = new Map<string, FailedEntry>();
  for (const failure of failures) {
    const key = JSON.stringify([failure.code, failure.message]);
    let group = groups.get(key);
    if (!group) {
      group = { items: [], code: failure.code };
      if (withMessage) group.statusMessage = failure.message;
      groups.set(key, group);
    }
    group.items.push(failure.item);
  }
  return [...groups.values()];
}

export const successEnvelope = (processes: AsyncProcessStatus[]): StatusEnvelope => ({
  code: 200,
  statusMessage: 'Success',
  technicalMessage: null,
  AsyncProcessStatus: processes,
});

export const errorEnvelope = (code: 400 | 401 | 500, technicalMessage: string): StatusEnvelope => ({
  code,
  statusMessage: code === 400 ? 'Input Error' : code === 401 ? 'Unauthorized' : 'Internal Error',
  technicalMessage,
  AsyncProcessStatus: [],
});
