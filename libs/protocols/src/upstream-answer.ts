// Reading an upstream's answer without trusting it (ARCHITECTURE rule 9): the one bounded body reader every
// upstream read goes through (ingress's answers, error bodies and the prober's probes), the checks that tell a
// usable answer from one that only has a status below 400 (a redirect, an empty 204, an HTML page, bytes in an
// encoding the gateway never asked for), and JSON parsing within a memory budget. A failed check is an
// InvalidUpstreamAnswer: the channel's fault (error class `server`), answered 502 and failed over like a 5xx.
// Shared by ingress and the health-prober, so a request and a probe judge an answer alike.
import { JsonShapeLimits, jsonShapeFault } from './json-shape';

/** What was wrong with an answer; a code for logs, metrics and spans (never the answer's own text). */
export type AnswerFault =
  | 'too_large'
  | 'unexpected_status'
  | 'not_json'
  | 'unrequested_encoding'
  | 'invalid_utf8'
  | 'too_deep'
  | 'too_many_values';

/** An upstream answer the gateway will not use. Classified `server` by classifyUpstreamError. */
export class InvalidUpstreamAnswer extends Error {
  constructor(
    readonly fault: AnswerFault,
    detail: string,
  ) {
    super(`invalid upstream answer (${fault}): ${detail}`);
    this.name = 'InvalidUpstreamAnswer';
  }
}

/**
 * How much of an error body is read: envelopes are a few hundred bytes (Gemini's with details a few KB); the
 * status alone classifies one that is longer.
 */
export const ERROR_BODY_MAX_BYTES = 64 * 1024;

/** An undici response body, or any readable stream of bytes that can be abandoned. */
export interface UpstreamBody {
  destroy(error?: Error): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type UpstreamHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Reads a whole body of at most `maxBytes`. Past it the body is destroyed (undici aborts the call and drops
 * the connection, so nothing more is read) and InvalidUpstreamAnswer('too_large') is thrown; a declared
 * `content-length` over the limit fails before a byte is read. Memory held: at most `maxBytes` plus one chunk.
 * Read from the stream's events, not with `for await`, whose async iterator adds a promise, a `read()` and a
 * wake-up per chunk; in the bench the difference was within the scatter (README, round 5's per-change row).
 */
export function readBoundedBody(
  body: UpstreamBody,
  maxBytes: number,
  headers: UpstreamHeaders = {},
): Promise<Buffer> {
  const declared = Number(headerOf(headers, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(
      tooLarge(body, `content-length ${declared} is over the limit of ${maxBytes} bytes`),
    );
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // The listeners stay: after the first outcome the others are ignored, and an 'error' after it is heard.
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(err);
    };
    body.on('data', (chunk) => {
      if (settled) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        fail(tooLarge(body, `more than ${maxBytes} bytes`));
        return;
      }
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    });
    body.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    body.on('error', fail);
    // Closed without an end or an error (destroyed quietly): as `for await` words it.
    body.on('close', () => fail(prematureClose()));
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * The first `maxBytes` of a body, the rest abandoned: for error bodies, which only need their envelope (for the
 * error class and a message). `truncated` says whether more was sent.
 */
export async function readBodyHead(
  body: UpstreamBody,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  try {
    return { text: (await readBoundedBody(body, maxBytes)).toString('utf8'), truncated: false };
  } catch (err) {
    if (err instanceof InvalidUpstreamAnswer) return { text: '', truncated: true };
    throw err;
  }
}

function tooLarge(body: UpstreamBody, detail: string): InvalidUpstreamAnswer {
  const error = new InvalidUpstreamAnswer('too_large', detail);
  // The error is thrown to the reader; the stream's own 'error' event has no one else to hear it.
  body.on('error', () => undefined);
  body.destroy(error);
  return error;
}

/**
 * Why an answer with a status below 400 cannot be a usable answer, judged on its head alone, or null. Only a
 * 2xx with content is one: a 3xx (the gateway follows no redirect), 204/205/304 (no content). A
 * `content-encoding` the gateway did not ask for (it sends no `accept-encoding`) is refused rather than
 * decoded: decoding would take a decompressor whose output needs bounding too, for answers no provider sends.
 */
export function answerHeadFault(status: number, headers: UpstreamHeaders): AnswerFault | null {
  if (status < 200 || status >= 300 || status === 204 || status === 205) {
    return 'unexpected_status';
  }
  const encoding = headerOf(headers, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return 'unrequested_encoding';
  return null;
}

/**
 * Limits for parsing an answer of at most `maxBodyBytes`: the cost budget scales with the body limit (about one
 * unit per 16 bytes, so the parsed answer takes about as much heap as the limit), the depth is far past any
 * provider's answer.
 */
export function jsonLimitsFor(maxBodyBytes: number): JsonShapeLimits {
  return { maxDepth: 128, maxCost: Math.max(1024, Math.floor(maxBodyBytes / 16)) };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON object of an answer's body, refused (InvalidUpstreamAnswer) when its media type is not JSON, its bytes
 * are not UTF-8, it would be too big once parsed, or it does not parse. Providers send `application/json`; a
 * missing content-type is accepted when the body is JSON.
 */
export function parseUpstreamJson(
  bytes: Buffer,
  headers: UpstreamHeaders,
  limits: JsonShapeLimits,
): { value: unknown; text: string } {
  const type = headerOf(headers, 'content-type')?.toLowerCase();
  if (type !== undefined && type !== '' && !type.includes('json')) {
    throw new InvalidUpstreamAnswer('not_json', `content-type ${type.slice(0, 100)}`);
  }
  const shape = jsonShapeFault(bytes, limits);
  if (shape !== null) throw new InvalidUpstreamAnswer(shape, `${bytes.length} bytes`);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new InvalidUpstreamAnswer('invalid_utf8', `${bytes.length} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's own message quotes the text, which may hold anything (a key an upstream echoed): not kept.
    throw new InvalidUpstreamAnswer('not_json', `${bytes.length} bytes that do not parse`);
  }
  // Every answer of every format is a JSON object; `null`, a number or an array is not one.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidUpstreamAnswer('not_json', 'not a JSON object');
  }
  return { value, text };
}

function headerOf(headers: UpstreamHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
