import express, { Router, type Request, type Response } from 'express';
import type { Principal } from '../accounts/account';
import type { Authenticator } from '../accounts/authenticator';
import { AuthError } from '../errors';
import { BASIC_CHALLENGE, callerOf } from '../http/caller';
import type { TrackerService } from '../jobs/tracker-service';
import { storableText } from '../text';
import { trackerJson, trackerNotFound, trackerSourceOf, type TrackerJson } from './execution-tracker';

/**
 * The ServiceNow face: AJAXProgressStatusChecker.getStatus through GlideAjax (POST /xmlhttp.do,
 * answered as an XML document whose root carries the JSON in its `answer` attribute), and the same
 * JSON from GET /api/execution_tracker/<id>. A job's or step's tracker is found by its sys_id (or
 * the job's id); another account's tracker answers "Access denied" with state "1".
 */

const PROCESSOR = 'AJAXProgressStatusChecker';
const METHOD = 'getStatus';

/** What getStatus answers `account` for the tracker `id` (the admin dashboard shows the same). */
export async function trackerStatus(trackers: TrackerService, account: string, id: string): Promise<TrackerJson> {
  const found = await trackers.findNode(id);
  const source = found && trackerSourceOf(found.tree, found.sysId);
  if (!found || !source) return trackerNotFound(id);
  return trackerJson(source, found.tree.job.account === account, trackers.now());
}

export function createServiceNowRouter(trackers: TrackerService, authenticator: Authenticator): Router {
  const router = Router();

  const status = (caller: Principal, id: string): Promise<TrackerJson> => trackerStatus(trackers, caller.account, id);

  router.post('/xmlhttp.do', express.urlencoded({ extended: false, limit: '100kb' }), async (req, res) => {
    const param = (name: string): string => {
      const value = (req.body as Record<string, unknown> | undefined)?.[name] ?? req.query[name];
      return typeof value === 'string' ? value : '';
    };
    const attributes = { sysparm_max: param('sysparm_max') || '15', sysparm_name: param('sysparm_name'), sysparm_processor: param('sysparm_processor') };
    const caller = await authenticated(req, res, authenticator, (message) => glideXml(attributes, { error: message }));
    if (!caller) return;
    if (attributes.sysparm_processor !== PROCESSOR || attributes.sysparm_name !== METHOD) {
      const error = `This server answers sysparm_processor=${PROCESSOR} with sysparm_name=${METHOD} only.`;
      res.status(400).type('text/xml; charset=UTF-8').send(glideXml(attributes, { error }));
      return;
    }
    const id = param('sysparm_execution_id');
    if (!id) {
      res.status(400).type('text/xml; charset=UTF-8').send(glideXml(attributes, { error: 'sysparm_execution_id is required.' }));
      return;
    }
    const answer = JSON.stringify(await status(caller, id));
    res.type('text/xml; charset=UTF-8').send(glideXml(attributes, { answer }));
  });

  router.get('/api/execution_tracker/:id', async (req, res) => {
    const caller = await authenticated(req, res, authenticator, (message) => ({ error: { message: 'User Not Authenticated', detail: message }, status: 'failure' }));
    if (!caller) return;
    res.json(await status(caller, req.params.id));
  });

  return router;
}

/** The caller, or undefined once a 401 in the face's own shape has been sent. */
async function authenticated(req: Request, res: Response, authenticator: Authenticator, body: (message: string) => unknown): Promise<Principal | undefined> {
  try {
    return await callerOf(req, authenticator);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const answer = body(error.message);
    res.status(401).set('WWW-Authenticate', BASIC_CHALLENGE);
    if (typeof answer === 'string') res.type('text/xml; charset=UTF-8').send(answer);
    else res.json(answer);
    return undefined;
  }
}

/** GlideAjax's response document: `<xml sysparm_max=… answer="…"/>`, attributes escaped so the JSON survives intact. */
function glideXml(attributes: Record<string, string>, extra: Record<string, string>): string {
  const all = { ...attributes, ...extra };
  const text = Object.entries(all)
    .map(([name, value]) => `${name}="${escapeAttribute(value)}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?><xml ${text}/>`;
}

// Newlines and tabs too: an XML parser normalises them to spaces in attribute values otherwise.
// What XML cannot carry at all (U+FFFE…, which JSON.stringify leaves as it is) becomes U+FFFD.
const escapeAttribute = (value: string): string =>
  storableText(value).replace(/[&<>"\n\r\t]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;' })[c] as string);
