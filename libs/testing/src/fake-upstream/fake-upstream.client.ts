// What the specs of the fakes share to read responses the way a client does without an SDK: a raw body read
// chunk by chunk, server-sent events parsed with eventsource-parser, and the error that ended a cut stream.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface StreamRead {
  /** Every chunk as it arrived, decoded; joined they are the body received. */
  chunks: string[];
  /** The error that ended the body early (undici's `terminated` for a dropped connection), if any. */
  error: unknown;
}

/** Reads a response body to its end or to the error that cuts it, keeping the chunks as they arrived. */
export async function readBody(response: Response): Promise<StreamRead> {
  const chunks: string[] = [];
  const body = response.body;
  if (!body) return { chunks, error: undefined };
  const reader: ReadableStreamDefaultReader<Uint8Array> = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value, { stream: true }));
    }
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}

export interface SseRead {
  events: EventSourceMessage[];
  error: unknown;
  /** The body received, for checks on the exact framing. */
  raw: string;
}

/** Reads a server-sent event stream to its end (or its cut) and parses it with eventsource-parser. */
export async function readSse(response: Response): Promise<SseRead> {
  const { chunks, error } = await readBody(response);
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, error, raw: chunks.join('') };
}

/** The `data` of every event, parsed as JSON. */
export function eventData<T = Record<string, unknown>>(events: EventSourceMessage[]): T[] {
  return events.map((event) => JSON.parse(event.data) as T);
}

/** Settles to the thrown value, so a test can assert on it after awaiting; fails if nothing was thrown. */
export async function caught(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
