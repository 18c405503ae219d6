import type { JobService } from '../jobs/job-service';
import type { SoapRequest } from './envelope-parser';
import { SoapClientError } from './envelope-parser';
import type { ResultWriter } from './result-writer';
import { statusResponseXml } from './result-writer';
import { child, text } from './xml-read';

/** What one SOAP call runs with, settled before any operation sees it. */
export interface SoapCall {
  version: string;
  request: SoapRequest;
  account: string;
}

export type OperationHandler = (call: SoapCall) => Promise<string>;

const INT_PATTERN = /^[+-]?\d{1,10}$/;

function requiredText(call: SoapCall, name: string): string {
  const value = text(child(call.request.body, name))?.trim();
  if (!value) throw new SoapClientError(`${call.request.operation} requires a non-empty <${name}> element.`);
  return value;
}

function requiredInt(call: SoapCall, name: string): number {
  const raw = requiredText(call, name);
  const value = Number(raw);
  if (!INT_PATTERN.test(raw) || value < -2147483648 || value > 2147483647) {
    throw new SoapClientError(`<${name}> must be an xsd:int (got "${raw}").`);
  }
  return value;
}

/** The operations, by body element name: validate, call the job service, write the answer. */
export function createOperations(jobs: JobService, writer: ResultWriter): Record<string, OperationHandler> {
  return {
    async checkAsyncStatus(call) {
      const view = await jobs.status(call.account, requiredText(call, 'jobId'));
      return statusResponseXml('checkAsyncStatus', view, call.version);
    },
    async getAsyncResult(call) {
      const jobId = requiredText(call, 'jobId');
      const pageIndex = requiredInt(call, 'pageIndex');
      const page = await jobs.resultPage(call.account, jobId, pageIndex);
      return writer.getAsyncResultResponseXml(page, call.version);
    },
  };
}
