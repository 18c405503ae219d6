#!/usr/bin/env node
/**
 * asyncAddList -> checkAsyncStatus -> getAsyncResult with the npm `soap` client (node-soap).
 *
 * Builds a client from the WSDL the emulator serves, submits three customers, polls the job until
 * it ends, reads result page 1 and prints what became of each record. Every request carries a
 * tokenPassport signed for that request (token-based authentication).
 *
 * Needs Node 18+ and `npm install soap` (in this repository it is already installed).
 *
 * Environment (defaults: the demo account a fresh emulator creates, on http://localhost:8080):
 *   EMULATOR_URL           base URL of the emulator             http://localhost:8080
 *   NS_VERSION             SuiteTalk version of the endpoint    2023_2
 *   NS_ACCOUNT             account id                           TSTDRV1234567
 *   NS_CONSUMER_KEY        integration's consumer key           demo-consumer-key
 *   NS_CONSUMER_SECRET     integration's consumer secret        demo-consumer-secret
 *   NS_TOKEN_ID            token id                             demo-token-id
 *   NS_TOKEN_SECRET        token secret                         demo-token-secret
 *   NS_EXTERNAL_ID_PREFIX  the customers' externalIds are PREFIX-1..3 (default: new each run)
 *
 * Exit status: 0 when every customer was added; 1 on a fault, an unreachable server, a job that
 * did not finish cleanly (each failed record is printed) or one still running after 120 seconds.
 */
'use strict';

const { createHmac, randomBytes } = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');

const CUSTOMERS = ['Acme Rockets', 'Globex Freight', 'Initech Supplies'];
const POLL_MS = 500;
const POLL_TIMEOUT_SECONDS = 120;
const ENDED = ['finished', 'finishedWithErrors', 'failed'];

const setting = (name, fallback) => process.env[name] || fallback;
const url = setting('EMULATOR_URL', 'http://localhost:8080').replace(/\/+$/, '');
const version = setting('NS_VERSION', '2023_2');
const credentials = {
  account: setting('NS_ACCOUNT', 'TSTDRV1234567'),
  consumerKey: setting('NS_CONSUMER_KEY', 'demo-consumer-key'),
  consumerSecret: setting('NS_CONSUMER_SECRET', 'demo-consumer-secret'),
  tokenId: setting('NS_TOKEN_ID', 'demo-token-id'),
  tokenSecret: setting('NS_TOKEN_SECRET', 'demo-token-secret'),
};
const prefix = setting('NS_EXTERNAL_ID_PREFIX', `example-${Math.floor(Date.now() / 1000)}-${randomBytes(3).toString('hex')}`);
const coreNs = `urn:core_${version}.platform.webservices.netsuite.com`;
const relationshipsNs = `urn:relationships_${version}.lists.webservices.netsuite.com`;

class Failure extends Error {}

/**
 * A tokenPassport with a new nonce and the current time: NetSuite refuses a nonce twice.
 * node-soap would write the children in the header's own namespace, so the header makes
 * platformCore, where TokenPassport's children are declared, its default namespace.
 */
function tokenPassport() {
  const nonce = randomBytes(16).toString('hex');
  const timestamp = Math.floor(Date.now() / 1000);
  const base = [credentials.account, credentials.consumerKey, credentials.tokenId, nonce, timestamp].join('&');
  const signature = createHmac('sha256', `${credentials.consumerSecret}&${credentials.tokenSecret}`).update(base).digest('base64');
  return {
    tokenPassport: {
      attributes: { xmlns: coreNs },
      account: credentials.account,
      consumerKey: credentials.consumerKey,
      token: credentials.tokenId,
      nonce,
      timestamp,
      signature: { attributes: { algorithm: 'HMAC-SHA256' }, $value: signature },
    },
  };
}

/** Calls one operation (signed by the header function); a fault becomes a Failure in its words. */
async function call(client, operation, args) {
  try {
    const [answer] = await client[`${operation}Async`](args);
    return answer;
  } catch (error) {
    const fault = error.root?.Envelope?.Body?.Fault;
    if (!fault) throw new Failure(`${operation}: could not reach ${url}: ${error.message}`);
    // NetSuite's faults carry a detail element (asyncFault, invalidCredentialsFault…) with a code.
    const detail = Object.values(fault.detail ?? {}).find((value) => value && typeof value === 'object' && 'code' in value);
    throw new Failure(`${operation} answered a SOAP fault${detail ? ` (${detail.code})` : ''}: ${fault.faultstring}`);
  }
}

const listOf = (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

async function main() {
  let soap;
  try {
    soap = require('soap');
  } catch {
    throw new Failure('the npm package soap is not installed: npm install soap');
  }
  const wsdl = `${url}/wsdl/v${version}_0/netsuite.wsdl`;
  let client;
  try {
    client = await soap.createClientAsync(wsdl);
  } catch (error) {
    throw new Failure(`could not load the WSDL ${wsdl}: ${error.message}`);
  }
  // A function header is called for every request, so each one is signed anew.
  client.addSoapHeader(tokenPassport, '', '', '');

  // xsi_type makes node-soap write xsi:type="…:Customer"; externalId is an attribute of Record.
  const records = CUSTOMERS.map((companyName, i) => ({
    attributes: { xsi_type: { type: 'Customer', xmlns: relationshipsNs }, externalId: `${prefix}-${i + 1}` },
    companyName,
  }));
  const job = (await call(client, 'asyncAddList', { record: records })).asyncStatusResult.jobId;
  console.log(`submitted job ${job} (${CUSTOMERS.length} customers to ${url} as ${credentials.account})`);

  const deadline = Date.now() + POLL_TIMEOUT_SECONDS * 1000;
  let status;
  let last;
  for (;;) {
    status = (await call(client, 'checkAsyncStatus', { jobId: job })).asyncStatusResult;
    let line = `status ${status.status} ${Number(status.percentCompleted).toFixed(1)}%`;
    if (status.status === 'processing') line += ` (about ${Number(status.estRemainingDuration).toFixed(1)} s left)`;
    if (line !== last) console.log(line);
    last = line;
    if (ENDED.includes(status.status)) break;
    if (Date.now() > deadline) throw new Failure(`job ${job} is still ${status.status} after ${POLL_TIMEOUT_SECONDS} seconds`);
    await sleep(POLL_MS);
  }

  const result = (await call(client, 'getAsyncResult', { jobId: job, pageIndex: 1 })).asyncResult;
  console.log('getAsyncResult page 1:');
  let added = 0;
  for (const response of listOf(result.writeResponseList?.writeResponse)) {
    // node-soap leaves attributes as text: isSuccess is 'true' or 'false'.
    const ref = response.baseRef?.attributes ?? {};
    if (response.status.attributes.isSuccess === 'true') {
      added += 1;
      console.log(`  added ${ref.externalId} internalId ${ref.internalId}`);
    } else {
      const detail = listOf(response.status.statusDetail)[0] ?? {};
      console.log(`  failed ${ref.externalId} ${detail.code}: ${detail.message}`);
    }
  }
  const summary = `job ${job} ${status.status}, ${added} of ${CUSTOMERS.length} customers added`;
  console.log(`done: ${summary}`);
  if (status.status !== 'finished') throw new Failure(summary);
}

main().catch((error) => {
  if (!(error instanceof Failure)) console.error(error);
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
});
