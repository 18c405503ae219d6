import type { Clock } from '../lib/clock';
import { randomIds, type IdSource } from '../jobs/id-source';
import { namespacesOf } from '../records/versions';
import { envelopeXml } from './faults';
import { readsOnly, type OperationHandler, type SoapCall } from './operations';
import { escapeXml } from './xml-write';

/**
 * Dispatching an admitted SOAP call: its operation's handler, on the body element the envelope
 * named (a SOAPAction cannot pick another), and the whole envelope around the answer, with a
 * documentInfo header carrying the request's nsId as NetSuite's answers do.
 */

export interface Dispatched {
  envelope: string;
  setCookie?: string;
  /** The account a login signed into, when the call came without one. */
  account?: string;
}

export class SoapDispatch {
  constructor(
    private readonly operations: Record<string, OperationHandler>,
    private readonly clock: Clock,
    /** Where documentInfo nsIds come from (seeded under ID_SEED); random without. */
    private readonly ids: IdSource = randomIds,
  ) {}

  async dispatch(call: SoapCall, confirmed: Promise<void>): Promise<Dispatched> {
    // The nsId is drawn before an operation that writes: once its change commits, nothing is
    // left that could fail and answer a fault for work that was done.
    const drawn = this.documentInfo(call);
    if (!readsOnly(call)) await drawn;
    const [authenticated, answered, info] = await Promise.allSettled([confirmed, this.operations[call.request.operation](call), drawn]);
    // A refused credential outranks whatever the operation found: a replay learns nothing.
    if (authenticated.status === 'rejected') throw authenticated.reason;
    if (answered.status === 'rejected') throw answered.reason;
    if (info.status === 'rejected') throw info.reason;
    const answer = answered.value;
    if (typeof answer === 'string') return { envelope: envelopeXml(answer, info.value) };
    return { envelope: envelopeXml(answer.body, info.value), setCookie: answer.setCookie, account: answer.account };
  }

  private async documentInfo(call: SoapCall): Promise<string> {
    const ns = namespacesOf(call.version);
    const nsId = await this.ids.requestId(call.principal.account, this.clock.now());
    return `<platformMsgs:documentInfo xmlns:platformMsgs="${ns.platformMsgs}">` + `<platformMsgs:nsId>${escapeXml(nsId)}</platformMsgs:nsId></platformMsgs:documentInfo>`;
  }
}
