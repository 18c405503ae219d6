/**
 * The step tree of a job: a job's work as ordered steps, to any depth (ServiceNow's child
 * trackers, Salesforce's process steps, NetSuite's validate-then-apply). Each node carries its own
 * state, percent, messages, result, item counts and per-item outcomes.
 */

/** A node's state, with the ServiceNow execution-tracker code each one is reported as. */
export const STEP_STATES = { pending: '0', running: '1', successful: '2', failed: '3', cancelled: '4' } as const;
export type StepState = keyof typeof STEP_STATES;

/**
 * One item's outcome within a step: which item (any JSON: an id, a record, a key-value pair, as
 * Salesforce lists them), and for a failure its code (a number or a string) and message.
 */
export interface StepItem {
  item: unknown;
  isSuccess: boolean;
  code: string | number | null;
  message: string | null;
}

/** A step to add, with its children. */
export interface NewStep {
  name: string;
  order?: number;
  totalItems?: number;
  children?: NewStep[];
}

/** Most steps one request may add, at every depth together: each array's own limit would let them multiply. */
export const MAX_STEPS_PER_REQUEST = 1000;
/** Most steps one job may hold, however many requests add them, so that reading a job stays bounded. */
export const MAX_STEPS_PER_JOB = 5000;
/** Most item outcomes one request may report, successes and failures together. */
export const MAX_ITEMS_PER_REQUEST = 10_000;

/**
 * The steps of a forest at every depth, `childrenOf` giving a step's children; counting stops
 * past `limit`, so a forest of any size (a request body not yet validated) costs at most that.
 */
export function countSteps<T>(forest: readonly T[], childrenOf: (step: T) => readonly T[] | undefined, limit = Number.POSITIVE_INFINITY): number {
  let count = 0;
  const levels = [forest];
  for (let level = levels.pop(); level !== undefined && count <= limit; level = levels.pop()) {
    for (const step of level) {
      if (++count > limit) break;
      const children = childrenOf(step);
      if (children !== undefined && children.length > 0) levels.push(children);
    }
  }
  return count;
}

export const isEnded = (state: StepState): boolean => state === 'successful' || state === 'failed' || state === 'cancelled';

/** A step as stored: one row, pointing at its parent (null for the job's own top-level steps). */
export interface StepRow {
  sysId: string;
  jobId: string;
  parentSysId: string | null;
  /** Where the step stands among its siblings; ties keep the order steps were added in. */
  order: number;
  /** The order it was added in, within the job. */
  position: number;
  name: string;
  state: StepState;
  percentComplete: number;
  message: string;
  detailMessage: string;
  result: unknown;
  totalItems: number;
  processedItems: number;
  failedItems: number;
  startedAt: Date | null;
  completedAt: Date | null;
  updatedAt: Date;
}

export interface StepNode extends StepRow {
  children: StepNode[];
}

/** The rows of one job as a forest: children under their parents, each level ordered by `order`, then by when they were added. */
export function buildStepTree(rows: StepRow[]): StepNode[] {
  const nodes = new Map<string, StepNode>(rows.map((row) => [row.sysId, { ...row, children: [] }]));
  const roots: StepNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentSysId === null ? undefined : nodes.get(node.parentSysId);
    // A step whose parent is missing would be lost; it is shown at the top instead.
    (parent ? parent.children : roots).push(node);
  }
  const sort = (level: StepNode[]) => {
    level.sort((a, b) => a.order - b.order || a.position - b.position);
    for (const node of level) sort(node.children);
  };
  sort(roots);
  return roots;
}

export interface PercentNode {
  state: StepState;
  percentComplete: number;
  children: PercentNode[];
}

/**
 * What a node reports as its percent complete: 100 once successful; a leaf, what it was set to
 * (or what its item counts make it); a node with children, its own figure or the mean of its
 * children's, whichever is further along.
 */
export function nodePercent(node: PercentNode): number {
  if (node.state === 'successful') return 100;
  if (node.children.length === 0) return node.percentComplete;
  const mean = node.children.reduce((sum, child) => sum + nodePercent(child), 0) / node.children.length;
  return Math.max(node.percentComplete, mean);
}

const UNITS: Array<[number, string]> = [
  [86_400, 'Day'],
  [3_600, 'Hour'],
  [60, 'Minute'],
  [1, 'Second'],
];

/**
 * A duration as ServiceNow's GlideDuration displays it: the non-zero whole units from days down
 * to seconds, "1 Minute 5 Seconds", "2 Hours 1 Second"; under a second, "0 Seconds".
 */
export function durationDisplay(milliseconds: number): string {
  let seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    const count = Math.floor(seconds / size);
    seconds -= count * size;
    if (count > 0) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0 Seconds';
}
