import { randomUUID } from 'node:crypto';
import { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Authenticator } from '../accounts/authenticator';
import { AuthError } from '../errors';
import { BASIC_CHALLENGE, callerOf } from '../http/caller';
import { BAD_PATH, isBadPath } from '../http/bad-request';
import type { Logger } from '../logger';
import type { TrackerService } from '../jobs/tracker-service';
import { errorEnvelope, processStatus, successEnvelope, type StatusFlags } from './async-process-status';

/**
 * The Salesforce face: CME Async Engine's getAsyncJobStatus at GET /v1/asyncprocesses/<id>, where
 * <id> is an async process id (one record) or a reference id (every process that carries it), also
 * under /services/apexrest/<namespace>/ as a Salesforce org serves it. Every answer, errors too,
 * is the same envelope: code, statusMessage, technicalMessage, AsyncProcessStatus. Mount it at
 * both paths (SALESFORCE_PATHS); its error handler sees only its own requests.
 */

export const SALESFORCE_PATHS = ['/v1/asyncprocesses', '/services/apexrest/:namespace/v1/asyncprocesses'];

class InputError extends Error {}

const FLAGS = ['verbose', 'itemsList', 'failMessage'] as const;

function flagsOf(req: Request): StatusFlags {
  const flags = { verbose: true, itemsList: true, failMessage: true };
  for (const name of FLAGS) {
    const value = req.query[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^(true|false)$/i.test(value)) throw new InputError(`Query parameter ${name} must be true or false (got ${JSON.stringify(value)}).`);
    flags[name] = value.toLowerCase() === 'true';
  }
  return flags;
}

export function createSalesforceRouter(trackers: TrackerService, authenticator: Authenticator, logger: Logger): Router {
  const router = Router();

  router.get('/:id', async (req, res) => {
    const caller = await callerOf(req, authenticator);
    const flags = flagsOf(req);
    const id = req.params.id as string;
    const trees = await trackers.findProcesses(caller.account, id);
    if (trees.length === 0) throw new InputError(`No async process has the id or reference id ${JSON.stringify(id.slice(0, 200))} in account ${caller.account}.`);
    const listed = flags.verbose && flags.itemsList;
    const items = listed ? await trackers.stepItems(trees.flatMap((tree) => tree.steps.filter((step) => step.parentSysId === null).map((step) => step.sysId))) : new Map();
    const processes = [];
    for (const tree of trees) {
      const soapItems = listed && tree.steps.length === 0 ? await trackers.soapItems(tree.job) : [];
      processes.push(processStatus(tree, items, soapItems, flags));
    }
    res.json(successEnvelope(processes));
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
