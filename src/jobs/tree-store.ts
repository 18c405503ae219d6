import type { Job } from './job';
import type { JobTree, TreeWrite } from './job-tree';
import type { StepItem, StepRow } from './step';

/** The port between the job tree (progress API and the ServiceNow and Salesforce faces) and Postgres. */

export interface NewExternalJob {
  id: string;
  /** The job's ServiceNow sys_id. */
  sysId: string;
  account: string;
  name: string;
  referenceId: string | null;
  additionalData: unknown;
  message: string | null;
  clientId: string | null;
  /** A digest of the create request, so a retry with the same client id is told from a clash. */
  clientRequestHash: string | null;
  /** Told when the job ends; without one, the account's callback URL if it has one. */
  callbackUrl: string | null;
  submittedAt: Date;
  expiresAt: Date;
  steps: StepRow[];
}

export type CreateOutcome = { kind: 'created'; tree: JobTree } | { kind: 'existing'; tree: JobTree } | { kind: 'clash'; job: Job };

/** A node found by id for the ServiceNow face: its job's tree and which node was asked for. */
export interface FoundNode {
  tree: JobTree;
  /** The job's sys_id, or a step's. */
  sysId: string;
}

export interface TreeStore {
  /**
   * Creates the job with its steps, unless the account already has a job with that client id:
   * then 'existing' when it was made by the same request, 'clash' when by another.
   */
  createExternalJob(job: NewExternalJob): Promise<CreateOutcome>;
  /** The account's live job with its steps, or undefined. */
  readTree(account: string, jobId: string, now: Date): Promise<JobTree | undefined>;
  /**
   * Locks the account's live job, reads its tree, plans a change on it and writes the change, in
   * one transaction; returns the tree as it stands after, or undefined when there is no such job.
   */
  changeTree(account: string, jobId: string, now: Date, plan: (tree: JobTree) => TreeWrite): Promise<JobTree | undefined>;
  /** A live job, or one of its steps, by job id, job sys_id or step sys_id, whatever its account. */
  findNode(id: string, now: Date): Promise<FoundNode | undefined>;
  /** The account's live job with that id; else every live job with that reference id, oldest first, at most `limit`. */
  findProcesses(account: string, idOrReference: string, now: Date, limit: number): Promise<JobTree[]>;
  /** Item outcomes of the steps, each step's in the order they were reported. */
  readStepItems(stepSysIds: string[]): Promise<Map<string, StepItem[]>>;
  /** Each step's first `limit` failed items, in the order they were reported; successes are not read. */
  readStepFailures(stepSysIds: string[], limit: number): Promise<Map<string, StepItem[]>>;
}
