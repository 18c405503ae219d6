import type { Face } from '../lib/served-call';

/**
 * The one route table: which paths belong to which face, where each JSON face's router is mounted,
 * and which faces' calls the request journal keeps. The http server, the app, the call listeners
 * and the 404 answer all read it.
 */

/** The SOAP endpoint, one per SuiteTalk version. */
export const SOAP_PATH = /^\/services\/NetSuitePort_([^/?]*)\/?(?:\?|$)/;

interface FaceRoute {
  face: Exclude<Face, 'soap' | 'other'>;
  /** Which request paths are the face's. */
  paths: RegExp;
  /** Where its router is mounted ('' when its routes carry their whole path); the journal names operations from the first. */
  mounts: string[];
  /** Its calls are the client's (not the tester's own), so the request journal keeps them. */
  journaled: boolean;
}

export const ROUTES: readonly FaceRoute[] = [
  { face: 'admin', paths: /^\/admin(\/|$)/, mounts: ['/admin'], journaled: false },
  { face: 'progress', paths: /^\/progress(\/|$)/, mounts: ['/progress'], journaled: true },
  { face: 'servicenow', paths: /^\/(xmlhttp\.do|api\/execution_tracker)(\/|$)/, mounts: [''], journaled: true },
  {
    face: 'salesforce',
    paths: /^\/(v1|services\/apexrest\/[^/]+\/v1)\/asyncprocesses(\/|$)/,
    // As a Salesforce org serves it, and under /services/apexrest/<namespace>/.
    mounts: ['/v1/asyncprocesses', '/services/apexrest/:namespace/v1/asyncprocesses'],
    journaled: true,
  },
  { face: 'schemas', paths: /^\/(wsdl|xsd)\//, mounts: [''], journaled: false },
  { face: 'probe', paths: /^\/(healthz|readyz|metrics)$/, mounts: [''], journaled: false },
  { face: 'ui', paths: /^\/ui(\/|$)/, mounts: ['/ui'], journaled: false },
];

export function routeOfFace(face: FaceRoute['face']): FaceRoute {
  return ROUTES.find((route) => route.face === face)!;
}

/** The face a path belongs to (not SOAP: the http server sends those to the endpoint first). */
export function faceOf(path: string): Face {
  for (const route of ROUTES) if (route.paths.test(path)) return route.face;
  return 'other';
}

/** What the 404 answer lists: where each face lives. */
export const WHERE_THINGS_ARE =
  'SOAP: POST /services/NetSuitePort_<version>; WSDL: /wsdl/v<version>_0/netsuite.wsdl; progress API: /progress/jobs; ' +
  'ServiceNow: POST /xmlhttp.do, GET /api/execution_tracker/<id>; Salesforce: GET /v1/asyncprocesses/<id>; admin: /admin/jobs, /admin/accounts; dashboard: /ui.';
