import type { RequestHandler } from 'express';
import { ValidationError } from '../errors';
import { isStorableText, REFUSED_CHARACTERS } from '../text';

/**
 * Refuses, before any recursive parse, a JSON body nested deeper than `maxDepth`, and text this
 * service does not keep (see text.ts: what Postgres cannot store or XML cannot carry) anywhere in
 * it, naming where.
 */
export function checkJsonBody(body: unknown, maxDepth: number, why = 'no request needs more'): void {
  let level: Array<[unknown, string]> = [[body, 'body']];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > maxDepth) throw new ValidationError('body', `The body nests deeper than ${maxDepth} levels (${why}).`);
    const below: Array<[unknown, string]> = [];
    for (const [value, path] of level) {
      if (typeof value === 'string' && !isStorableText(value)) throw new ValidationError(path, `${path}: text may not hold ${REFUSED_CHARACTERS}.`);
      if (value === null || typeof value !== 'object') continue;
      for (const [key, inner] of Object.entries(value)) {
        if (!isStorableText(key)) throw new ValidationError(path, `${path}: a key may not hold ${REFUSED_CHARACTERS}.`);
        below.push([inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`]);
      }
    }
    level = below;
  }
}

/** For JSON APIs whose path names things by id: a path that decodes to unstorable text is refused (400). */
export const storablePath: RequestHandler = (req, _res, next) => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.path);
  } catch {
    throw new ValidationError('path', 'The path is not valid percent-encoded UTF-8.');
  }
  if (!isStorableText(decoded)) throw new ValidationError('path', `The path may not hold ${REFUSED_CHARACTERS}.`);
  // Query values reach Postgres as filters (account, job id…): the same rule holds for them.
  for (const [name, value] of Object.entries(req.query)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one === 'string' && !isStorableText(one)) {
        throw new ValidationError(name, `${name}: the query value may not hold ${REFUSED_CHARACTERS}.`);
      }
    }
  }
  next();
};
