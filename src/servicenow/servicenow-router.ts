import express, { Router, type Request, type Response } from 'express';
import type { Principal } from '../accounts/account';
import type { Authenticator } from '../accounts/authenticator';
import { authenticateFirst, BASIC_CHALLENGE, callerOf } from '../json/caller';
import { keepRawBody } from '../lib/raw-body';
import type { TrackerService } from '../jobs/tracker-service';
import { storableText } from '../lib/text';
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

  // Credentials come in the Authorization header alone: the form is read only for a caller they admit.
  const authenticatedXml = authenticateFirst(authenticator, (error, req, res) => unauthorized(res, glideXml(attributesOf(req), { error: error.message })));
  const form = express.urlencoded({ extended: false, limit: '100kb', verify: (req, _res, raw) => keepRawBody(req, raw) });
  router.post('/xmlhttp.do', authenticatedXml, form, async (req, res) => {
    const attributes = attributesOf(req);
    const caller = await callerOf(req, authenticator);
    if (attributes.sysparm_processor !== PROCESSOR || attributes.sysparm_name !== METHOD) {
      const error = `This server answers sysparm_processor=${PROCESSOR} with sysparm_name=${METHOD} only.`;
      res.status(400).type('text/xml; charset=UTF-8').send(glideXml(attributes, { error }));
      return;
    }
    const id = paramOf(req, 'sysparm_execution_id');
    if (!id) {
      res
        .status(400)
        .type('text/xml; charset=UTF-8')
        .send(glideXml(attributes, { error: 'sysparm_execution_id is required.' }));
      return;
    }
    const answer = JSON.stringify(await status(caller, id));
    res.type('text/xml; charset=UTF-8').send(glideXml(attributes, { answer }));
  });

  const authenticatedJson = authenticateFirst(authenticator, (error, _req, res) =>
    unauthorized(res, { error: { message: 'User Not Authenticated', detail: error.message }, status: 'failure' }),
  );
  router.get('/api/execution_tracker/:id', authenticatedJson, async (req, res) => {
    res.json(await status(await callerOf(req, authenticator), req.params.id as string));
  });

  return router;
}

/** A form field, else the query parameter of that name ('' when neither is text). */
function paramOf(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name] ?? req.query[name];
  return typeof value === 'string' ? value : '';
}

/** The request's fields GlideAjax's answer echoes: from its query alone while its form is unread. */
const attributesOf = (req: Request) => ({
  sysparm_max: paramOf(req, 'sysparm_max') || '15',
  sysparm_name: paramOf(req, 'sysparm_name'),
  sysparm_processor: paramOf(req, 'sysparm_processor'),
});

/** A 401 in the face's own shape: GlideAjax's XML document, or the tracker API's JSON. */
function unauthorized(res: Response, answer: string | object): void {
  res.status(401).set('WWW-Authenticate', BASIC_CHALLENGE);
  if (typeof answer === 'string') res.type('text/xml; charset=UTF-8').send(answer);
  else res.json(answer);
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
