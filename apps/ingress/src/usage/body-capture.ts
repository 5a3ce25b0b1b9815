// Body logging (issue 19): a bounded copy of one body (the client's request, or the answer as it is written to
// the client). Only created when RELAYMESH_BODY_LOG=on, so with it off the hot path copies nothing. It never
// holds more than its cap: past it the rest is counted as cut, not kept. Pure (no I/O), unit-tested.
import { StringDecoder } from 'node:string_decoder';
import { RequestBodies } from '@relaymesh/contracts';
import { redactSecrets } from '@relaymesh/protocols';

export const DEFAULT_BODY_LOG_MAX_BYTES = 64 * 1024;

/** Marks the end of a body that was cut at the cap, so a reader never takes the text for the whole body. */
export const TRUNCATION_MARK = '\n[… truncated by relaymesh body logging]';

export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private cut = false;

  constructor(private readonly maxBytes: number) {}

  /** Adds bytes written (or received); only the part below the cap is copied. */
  append(chunk: string | Uint8Array): void {
    if (this.kept >= this.maxBytes) {
      if (chunk.length > 0) this.cut = true;
      return;
    }
    const room = this.maxBytes - this.kept;
    // Cut before copying: a huge chunk costs no more than the room left. A string of more than `room` code
    // units is more than `room` bytes, so its first `room` units hold every byte that fits.
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk.length > room ? chunk.slice(0, room) : chunk, 'utf8')
        : chunk.subarray(0, room);
    const whole =
      typeof chunk === 'string'
        ? chunk.length <= room && bytes.length <= room
        : chunk.length <= room;
    const part = Buffer.from(bytes.subarray(0, room));
    if (!whole) this.cut = true;
    this.chunks.push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.cut;
  }

  /**
   * The kept bytes as text with credentials redacted (`secrets`: values known to be secret, e.g. the client's
   * key). A multi-byte character split by the cap is dropped rather than turned into garbage.
   */
  text(secrets: readonly string[] = []): string {
    const decoded = new StringDecoder('utf8').write(Buffer.concat(this.chunks, this.kept));
    const redacted = redactSecrets(decoded, secrets);
    return this.cut ? redacted + TRUNCATION_MARK : redacted;
  }
}

/** The record's `bodies` field from the two captures (either absent: no body of that side, e.g. a GET). */
export function loggedBodies(
  request: BodyCapture | undefined,
  response: BodyCapture | undefined,
  secrets: readonly string[] = [],
): RequestBodies {
  return {
    request: request ? request.text(secrets) : null,
    response: response ? response.text(secrets) : null,
    truncated: (request?.truncated ?? false) || (response?.truncated ?? false),
  };
}

/** What body logging needs of the response: node's `write` and `end`, whose calls it observes. */
export interface WritableAnswer {
  write(...args: unknown[]): boolean;
  end(...args: unknown[]): unknown;
}

/**
 * Copies into `capture` what is written to `res` from now on (up to the capture's cap), whoever writes it: a
 * JSON answer, a relayed stream, an error envelope. Installed per request only when body logging is on.
 */
export function captureWrites(res: WritableAnswer, capture: BodyCapture): void {
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = (...args: unknown[]): boolean => {
    if (isChunk(args[0])) capture.append(args[0]);
    return write(...args);
  };
  res.end = (...args: unknown[]): unknown => {
    if (isChunk(args[0])) capture.append(args[0]);
    return end(...args);
  };
}

function isChunk(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

/**
 * The credentials the client presented (its key in `Authorization`, `x-api-key` or `x-goog-api-key`), redacted
 * from its logged bodies wherever they appear, whatever their shape: an operator-chosen key need not look like
 * one.
 */
export function presentedCredentials(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string[] {
  const values = ['authorization', 'x-api-key', 'x-goog-api-key'].flatMap((name) => {
    const value = headers[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  });
  return values.map((value) => value.replace(/^\s*(?:Bearer|Basic)\s+/i, '').trim());
}
