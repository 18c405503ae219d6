import { jobDisplayMessage, jobDisplayName, jobState, type JobTree } from '../jobs/job-tree';
import { percentCompleted } from '../jobs/eta';
import { buildStepTree, durationDisplay, nodePercent, STEP_STATES, type StepNode } from '../jobs/step';

/**
 * The ServiceNow face's JSON, shaped as AJAXProgressStatusChecker.getStatus builds it: a tracker
 * node with its children in order, the "Record not found" object (state "-1", so clients stop
 * polling) and the "Access denied" object (state "1", so clients keep polling in case access
 * opens up). Every value is a string, as GlideRecord fields' toString() gives them, except
 * `result` (the parsed JSON) and the arrays.
 */

export type TrackerSource = Pick<StepNode, 'sysId' | 'name' | 'state' | 'message' | 'detailMessage' | 'result' | 'percentComplete' | 'updatedAt' | 'startedAt' | 'completedAt'> & {
  children: TrackerSource[];
};

export interface TrackerJson {
  name: string;
  state: string;
  message: string;
  detail_message?: string;
  result?: unknown;
  sys_id: string;
  percent_complete?: string;
  updated_on?: string;
  duration?: string;
  children: TrackerJson[];
  results: unknown[];
}

/** A date-time as ServiceNow writes one in a field's value: `2026-11-23 10:00:05`, UTC. */
export const glideDateTime = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

/**
 * One tracker and its children. Without read access every node says "Access denied" and no more.
 * A tracker not yet completed has run until `now` (GlideDateTime of an empty value is now).
 */
export function trackerJson(node: TrackerSource, readable: boolean, now: Date): TrackerJson {
  const children = node.children.map((child) => trackerJson(child, readable, now));
  if (!readable) return { name: 'Access denied', message: 'Access denied', state: '1', sys_id: node.sysId, children, results: [] };
  const end = node.completedAt ?? now;
  const start = node.startedAt ?? end;
  const json: TrackerJson = {
    name: node.name,
    state: STEP_STATES[node.state],
    message: node.message,
    detail_message: node.detailMessage,
    sys_id: node.sysId,
    percent_complete: String(Math.floor(node.percentComplete)),
    updated_on: glideDateTime(node.updatedAt),
    duration: durationDisplay(end.getTime() - start.getTime()),
    children,
    results: [],
  };
  // The seed parses result and leaves it out when it is not JSON; stored results always are.
  if (node.result !== null && node.result !== undefined) json.result = node.result;
  return json;
}

/** What getStatus answers for an id with no tracker. */
export const trackerNotFound = (id: string): TrackerJson => ({
  name: 'Record not found',
  message: 'Record not found',
  state: '-1',
  sys_id: id,
  children: [],
  results: [],
});

/** The node `sysId` of a job's tree (the job itself or one of its steps) as a tracker, with what lies under it. */
export function trackerSourceOf(tree: JobTree, sysId: string): TrackerSource | undefined {
  const { job } = tree;
  const fromStep = (node: StepNode): TrackerSource => ({ ...node, percentComplete: nodePercent(node), children: node.children.map(fromStep) });
  const root: TrackerSource = {
    sysId: job.sysId,
    name: jobDisplayName(job),
    state: jobState(job),
    message: jobDisplayMessage(job),
    detailMessage: job.detailMessage ?? '',
    result: job.result,
    percentComplete: percentCompleted(job),
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    completedAt: job.finishedAt,
    children: buildStepTree(tree.steps).map(fromStep),
  };
  const find = (node: TrackerSource): TrackerSource | undefined =>
    node.sysId === sysId ? node : node.children.reduce<TrackerSource | undefined>((found, child) => found ?? find(child), undefined);
  return find(root);
}
