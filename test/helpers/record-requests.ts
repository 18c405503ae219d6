import type { ManualClock } from '../../src/lib/clock';
import type { TestService } from './service';
import { accountHeader, checkAsyncStatus, getAsyncResult, postSoap, SOAPENV, statusOf } from './soap';

/** Building submit requests and reading their results, for tests of the record store over SOAP. */

export const V = '2023_2';
export const NS = {
  msgs: `urn:messages_${V}.platform.webservices.netsuite.com`,
  core: `urn:core_${V}.platform.webservices.netsuite.com`,
  common: `urn:common_${V}.platform.webservices.netsuite.com`,
  rel: `urn:relationships_${V}.lists.webservices.netsuite.com`,
  sales: `urn:sales_${V}.transactions.webservices.netsuite.com`,
};

/** An envelope with the usual prefixes declared: msg, core, common, listRel, tranSales, xsi. */
export function request(operation: string, inner: string, options: { account?: string; header?: string } = {}): string {
  const header = accountHeader(options.account, V) + (options.header ?? '');
  return (
    `<soapenv:Envelope xmlns:soapenv="${SOAPENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xmlns:msg="${NS.msgs}" xmlns:core="${NS.core}" xmlns:common="${NS.common}" xmlns:listRel="${NS.rel}" xmlns:tranSales="${NS.sales}">` +
    (header ? `<soapenv:Header>${header}</soapenv:Header>` : '') +
    `<soapenv:Body><msg:${operation}>${inner}</msg:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

export const customer = (attributes: string, fields: string) => `<msg:record xsi:type="listRel:Customer" ${attributes}>${fields}</msg:record>`;
/** A record of `type` (prefix:Type) with an externalId, its fields, and the namespace declarations (` xmlns:…`) its prefix needs. */
export const typedRecord = (type: string, externalId: string, fields: string, xmlns = '') =>
  `<msg:record xsi:type="${type}" externalId="${externalId}"${xmlns}>${fields}</msg:record>`;
export const ref = (attributes: string) => `<msg:baseRef xsi:type="core:RecordRef" ${attributes}/>`;
export const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export class RecordRequests {
  constructor(private readonly t: TestService) {}

  /** Submits, checks the immediate answer, lets the worker finish the job, returns its id. */
  async submitAndRun(operation: string, inner: string, options: { account?: string; header?: string } = {}): Promise<string> {
    const answer = await postSoap(this.t.url, V, request(operation, inner, options));
    expect(answer.status).toBe(200);
    const status = answer.body[`${operation}Response`].asyncStatusResult;
    expect(status).toMatchObject({ status: 'pending', percentCompleted: '0.0', estRemainingDuration: '0.0' });
    const clock = this.t.clock as ManualClock;
    for (let i = 0; i < 50; i++) {
      clock.advance(0.5);
      await this.t.service.worker.runDue();
    }
    const done = statusOf(await checkAsyncStatus(this.t.url, status.jobId, V, options.account));
    expect(['finished', 'finishedWithErrors', 'failed']).toContain(done.status);
    return status.jobId;
  }

  /** Adds `records` in one asyncAddList job, each of which must succeed; their internalIds by externalId. */
  async addAll(records: string, account: string): Promise<Record<string, string>> {
    const jobId = await this.submitAndRun('asyncAddList', records, { account });
    const ids: Record<string, string> = {};
    for (const response of await this.writeResults(jobId, account)) {
      expect(response.status['@isSuccess']).toBe('true');
      ids[response.baseRef['@externalId']] = response.baseRef['@internalId'];
    }
    return ids;
  }

  async writeResults(jobId: string, account?: string) {
    const answer = await getAsyncResult(this.t.url, jobId, 1, V, account);
    expect(answer.status).toBe(200);
    return asList(answer.body.getAsyncResultResponse.asyncResult.writeResponseList.writeResponse);
  }

  /**
   * A search NetSuite refuses as a search: `search` answers the code in its searchResult's status,
   * and an asyncSearch of it is a job that fails with the same code and message. Both are checked;
   * the status detail is answered.
   */
  async searchRefusal(searchRecord: string, options: { account?: string; header?: string } = {}): Promise<{ code: string; message: string }> {
    const answer = await postSoap(this.t.url, V, request('search', searchRecord, options));
    expect(answer.status).toBe(200);
    const { status } = answer.body.searchResponse.searchResult;
    expect(status['@isSuccess']).toBe('false');
    const jobId = await this.submitAndRun('asyncSearch', searchRecord, options);
    expect(statusOf(await checkAsyncStatus(this.t.url, jobId, V, options.account)).status).toBe('failed');
    const failed = (await getAsyncResult(this.t.url, jobId, 1, V, options.account)).body.getAsyncResultResponse.asyncResult.searchResult;
    expect(failed.status.statusDetail).toEqual(status.statusDetail);
    return status.statusDetail;
  }

  async readResults(jobId: string, account?: string) {
    const answer = await getAsyncResult(this.t.url, jobId, 1, V, account);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('xsi:type="platformMsgs:AsyncGetListResult"');
    return asList(answer.body.getAsyncResultResponse.asyncResult.readResponseList.readResponse);
  }
}
