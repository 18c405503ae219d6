import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { ValidationError } from './errors';
import { keepRawBody } from './raw-body';
import { isStorableText, REFUSED_CHARACTERS } from './text';

/**
 * Refuses, before any recursive parse, a JSON body nested deeper than `maxDepth`, and text this
 * service does not keep (see text.ts: what Postgres cannot store or XML cannot carry) anywhere in
 * it, naming where.
 */
export function checkJsonBody(body: unknown, maxDepth: number, why = 'no request needs more'): void {
  let level: Array<[unknown, string]> = [[body, 'body']];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > maxDepth) throw tooDeep(maxDepth, why);
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

const tooDeep = (maxDepth: number, why: string) => new ValidationError('body', `The body nests deeper than ${maxDepth} levels (${why}).`);

/**
 * express.json for a JSON face. Nesting deeper than `maxDepth` (as checkJsonBody counts it: a
 * value inside more than `maxDepth` arrays and objects) is refused from the raw text, before
 * JSON.parse builds anything; the text is kept, as sent (in UTF-8), for the request journal.
 */
export function jsonBodyParser(options: { limit: string; maxDepth: number; why?: string; type: (req: IncomingMessage) => boolean }): RequestHandler {
  const { maxDepth, why = 'no request needs more' } = options;
  return express.json({
    limit: options.limit,
    type: options.type,
    verify: (req, _res, raw, encoding) => {
      const text = asUtf8(raw, encoding);
      // The innermost container of a body nested maxDepth + 1 deep holds values at maxDepth + 1.
      if (nestsDeeper(text, maxDepth + 1)) throw tooDeep(maxDepth, why);
      keepRawBody(req, text);
    },
  });
}

const [QUOTE, BACKSLASH, OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT] = [0x22, 0x5c, 0x5b, 0x7b, 0x5d, 0x7d];

/**
 * Whether arrays and objects in JSON text (UTF-8) nest more than `levels` deep: one pass that
 * keeps a count, never a stack, and stops at the first bracket too deep. Brackets in strings are
 * text. Malformed text gets an answer too; JSON.parse refuses it afterwards.
 */
export function nestsDeeper(text: Uint8Array, levels: number): boolean {
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const byte = text[at];
    if (byte === QUOTE) at = closingQuote(text, at);
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > levels) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Where the string opened at `opening` ends (the text's end when it never does). */
function closingQuote(text: Uint8Array, opening: number): number {
  for (let at = text.indexOf(QUOTE, opening + 1); at >= 0; at = text.indexOf(QUOTE, at + 1)) {
    let escapes = 0;
    while (text[at - 1 - escapes] === BACKSLASH) escapes++;
    if (escapes % 2 === 0) return at;
  }
  return text.length;
}

/** JSON in UTF-16, which express.json also reads, as UTF-8 for the scan and the journal; other charsets are refused. */
function asUtf8(raw: Buffer, encoding: string): Buffer {
  if (encoding === 'utf-8') return raw;
  try {
    return Buffer.from(new TextDecoder(encoding).decode(raw));
  } catch {
    throw new ValidationError('body', `The body's charset (${encoding}) is not read here: send JSON in UTF-8.`);
  }
}
