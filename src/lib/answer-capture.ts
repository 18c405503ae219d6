import type { ServerResponse } from 'node:http';

/**
 * Keeps the first `maxBytes` of what a response writes, for the request journal, by wrapping its
 * write and end: the SOAP endpoint and express write through these two alone. Nothing is copied
 * from an answer within the cap (strings are immutable; answers are built for one response).
 */
export interface CapturedAnswer {
  /** Every byte the answer wrote. */
  readonly bytes: number;
  /** The kept part as text (possibly ending in a cut character). */
  text(): string;
}

type Chunk = string | Uint8Array;

export function captureAnswer(res: ServerResponse, maxBytes: number): CapturedAnswer {
  const kept: Chunk[] = [];
  let keptBytes = 0;
  let bytes = 0;
  const take = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return;
    const size = typeof chunk === 'string' ? Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : chunk.length;
    bytes += size;
    if (keptBytes >= maxBytes) return;
    const room = maxBytes - keptBytes;
    if (size <= room) kept.push(chunk);
    else kept.push(typeof chunk === 'string' ? Buffer.from(chunk.slice(0, room)).subarray(0, room) : Buffer.from(chunk.subarray(0, room)));
    keptBytes += Math.min(size, room);
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    take(chunk, rest[0]);
    return write.apply(this, [chunk, ...rest] as never);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    take(chunk, rest[0]);
    return end.apply(this, [chunk, ...rest] as never);
  } as typeof res.end;
  return {
    get bytes() {
      return bytes;
    },
    text: () =>
      kept.length === 1 && typeof kept[0] === 'string' ? kept[0] : Buffer.concat(kept.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))).toString('utf8'),
  };
}
