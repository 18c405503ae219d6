import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';

/**
 * The dashboard's files (src/dashboard/ui: plain HTML, CSS and JavaScript, no build step), served at /ui.
 * They hold no data: the pages read the admin API with the admin token the user gives them.
 * Read from the source folder at run time, from the compiled service too (dist/dashboard → src/dashboard/ui).
 */

const UI_FOLDERS = [path.resolve(__dirname, 'ui'), path.resolve(__dirname, '../../src/dashboard/ui')];

function uiFolder(): string {
  const found = UI_FOLDERS.find((folder) => existsSync(path.join(folder, 'index.html')));
  if (!found) throw new Error(`The dashboard's files are missing: none of ${UI_FOLDERS.join(', ')} has index.html.`);
  return found;
}

/** Same-origin scripts and styles only, nothing inline; no page may frame the dashboard. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Always revalidated, so a new version of the files shows at the next load.
  'Cache-Control': 'no-cache',
};

export function createDashboardFiles(): Router {
  const folder = uiFolder();
  const router = Router();
  const secure = (res: Response) => res.set(SECURITY_HEADERS);
  router.use((_req, res, next) => {
    secure(res);
    next();
  });
  // A job's page is one file for every job; the script reads the id from the path.
  router.get('/jobs/:id', (_req, res) => res.sendFile(path.join(folder, 'job.html')));
  router.get('/records', (_req, res) => res.sendFile(path.join(folder, 'records.html')));
  router.use(express.static(folder, { index: 'index.html', redirect: true, setHeaders: secure }));
  return router;
}
