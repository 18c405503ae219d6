import { randomUUID } from 'node:crypto';
import { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Authenticator } from '../accounts/authenticator';
import { AuthError } from '../lib/errors';
import { authenticateFirst, BASIC_CHALLENGE, callerOf } from '../json/caller';
import { BAD_PATH, isBadPath } from '../json/bad-request';
import type { Logger } from '../lib/logger';
import type { TrackerService } from '../jobs/tracker-service';
import { errorEnvelope, processStatus, successEnvelope, type StatusEnvelope, type StatusFlags } from './async-process-status';

/**
 * The Salesforce face: CME Async Engine's getAsyncJobStatus at GET /v1/asyncprocesses/<id>, where
 * <id> is an async process id (one record) or a reference id (every process that carries it), also
 * under /services/apexrest/<namespace>/ as a Salesforce org serves it. Every answer, errors too,
 * is the same envelope: code, statusMessage, technicalMessage, AsyncProcessStatus. It is mounted at
 * both paths (the server's route table); its error handler sees only its own requests.
 */

class InputError extends Error {}

const FLAGS = ['verbose', 'itemsList', 'failMessage'] as const;

const ALL_FLAGS: StatusFlags = { verbose: true, itemsList: true, failMessage: true };

function flagsOf(req: Request): StatusFlags {
  const flags = { ...ALL_FLAGS };
  for (const name of FLAGS) {
    const value = req.query[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^(true|false)$/i.test(value)) throw new InputError(`Query parameter ${name} must be true or false (got ${JSON.stringify(value)}).`);
    flags[name] = value.toLowerCase() === 'true';
  }
  return flags;
}

/** The envelope the face answers `account` for an async process id or reference id (the admin dashboard shows the same). */
export async function processStatusEnvelope(trackers: TrackerService, account: string, id: string, flags: StatusFlags = ALL_FLAGS): Promise<StatusEnvelope> {
  const trees = await trackers.findProcesses(account, id);
  if (trees.length === 0) return errorEnvelope(400, `No async process has the id or reference id ${JSON.stringify(id.slice(0, 200))} in account ${account}.`);
  const listed = flags.verbose && flags.itemsList;
  const items = listed ? await trackers.stepItems(trees.flatMap((tree) => tree.steps.filter((step) => step.parentSysId === null).map((step) => step.sysId))) : new Map();
  const processes = [];
  for (const tree of trees) {
    const soapItems = listed && tree.steps.length === 0 ? await trackers.soapItems(tree.job) : [];
    processes.push(processStatus(tree, items, soapItems, flags));
  }
  return successEnvelope(processes);
}

export function createSalesforceRouter(trackers: TrackerService, authenticator: Authenticator, logger: Logger): Router {
  const router = Router();
  // Every request first, whatever its method: nothing here reads a body, and a refused one's connection closes unread.
  router.use(authenticateFirst(authenticator));

  router.get('/:id', async (req, res) => {
    const caller = await callerOf(req, authenticator);
    const envelope = await processStatusEnvelope(trackers, caller.account, req.params.id as string, flagsOf(req));
    res.status(envelope.code).json(envelope);
  });

  router.all(['/', '/*rest'], (req, res) => {
    const allowed = req.method === 'GET' ? 'the path must be /v1/asyncprocesses/<asyncProcessId or referenceId>' : `${req.method} is not supported; use GET`;
    res.status(400).json(errorEnvelope(400, `Not a status request: ${allowed}.`));
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    if (error instanceof AuthError) {
      res.status(401).set('WWW-Authenticate', BASIC_CHALLENGE).json(errorEnvelope(401, error.message));
    } else if (error instanceof InputError) {
      res.status(400).json(errorEnvelope(400, error.message));
    } else if (isBadPath(error)) {
      res.status(400).json(errorEnvelope(400, BAD_PATH));
    } else {
      const reference = randomUUID();
      logger.error('request failed', { reference, method: req.method, path: req.path, error });
      res.status(500).json(errorEnvelope(500, `Unexpected error (reference ${reference}).`));
    }
  };
  router.use(onError);
  return router;
}
