import type { AccountService } from '../accounts/account-service';
import { AsyncJobError, NotFoundError } from '../lib/errors';
import type { Job } from '../jobs/job';
import type { JobService } from '../jobs/job-service';
import type { TrackerService } from '../jobs/tracker-service';
import { envelopeXml, faultXml, toFault } from '../soap/faults';
import { statusResponseXml, type ResultWriter } from '../soap/result-writer';
import { endpointPath } from '../soap/wsdl-catalog';
import { processStatusEnvelope } from '../salesforce/salesforce-router';
import { trackerStatus } from '../servicenow/servicenow-router';

/**
 * What each face would answer the job's own account for the job right now, written by the faces'
 * own writers: SOAP checkAsyncStatus and getAsyncResult page 1, the ServiceNow execution tracker
 * and the Salesforce async process status. Reading them changes nothing: no poll is recorded and
 * no result call is counted, so the dashboard never uses up what the job's client may do.
 */

export interface FaceAnswer {
  /** The request the answer is for, as a client would send it. */
  request: string;
  /** The HTTP status the face answers with. */
  status: number;
  format: 'xml' | 'json';
  /** The answer's text: a SOAP envelope, or JSON. */
  body: string;
}

export interface JobAnswers {
  version: string;
  checkAsyncStatus: FaceAnswer;
  getAsyncResult: FaceAnswer;
  executionTracker: FaceAnswer;
  asyncProcessStatus: FaceAnswer;
}

export class JobAnswerReader {
  constructor(
    private readonly jobs: JobService,
    private readonly trackers: TrackerService,
    private readonly accounts: AccountService,
    private readonly writer: ResultWriter,
  ) {}

  async answers(job: Job, version: string): Promise<JobAnswers> {
    const soap = (operation: string, parameters: string) => `POST ${endpointPath(version)} (SOAPAction: ${operation}) ${parameters}`;
    const [status, result, tracker, process] = await Promise.all([
      soapAnswer(version, async () => statusResponseXml('checkAsyncStatus', await this.jobs.status(job.account, job.id, { minPollIntervalSeconds: 0 }), version)),
      soapAnswer(version, async () => this.writer.getAsyncResultResponseXml(await this.jobs.peekResultPage(job.account, job.id, 1, await this.limitsOf(job.account)), version)),
      trackerStatus(this.trackers, job.account, job.sysId),
      processStatusEnvelope(this.trackers, job.account, job.id),
    ]);
    return {
      version,
      checkAsyncStatus: { request: soap('checkAsyncStatus', `jobId=${job.id}`), ...status },
      getAsyncResult: { request: soap('getAsyncResult', `jobId=${job.id} pageIndex=1`), ...result },
      executionTracker: { request: `GET /api/execution_tracker/${job.sysId}`, status: 200, format: 'json', body: JSON.stringify(tracker) },
      asyncProcessStatus: { request: `GET /v1/asyncprocesses/${encodeURIComponent(job.id)}`, status: process.code, format: 'json', body: JSON.stringify(process) },
    };
  }

  /** The account's own result-call limit, if it sets one; else the service-wide setting applies. */
  private async limitsOf(account: string): Promise<{ maxResultCalls?: number }> {
    try {
      const { limits } = await this.accounts.details(account);
      return limits.maxResultCalls === null ? {} : { maxResultCalls: limits.maxResultCalls };
    } catch (error) {
      if (error instanceof NotFoundError) return {};
      throw error;
    }
  }
}

/**
 * The envelope the SOAP endpoint writes around an operation's answer, or around the fault a job
 * error becomes (HTTP 500). Its documentInfo header, a new nsId for each call, is left out.
 */
async function soapAnswer(version: string, answer: () => Promise<string>): Promise<Omit<FaceAnswer, 'request'>> {
  try {
    return { status: 200, format: 'xml', body: envelopeXml(await answer()) };
  } catch (error) {
    if (!(error instanceof AsyncJobError)) throw error;
    return { status: 500, format: 'xml', body: envelopeXml(faultXml(toFault(error, ''), version)) };
  }
}
