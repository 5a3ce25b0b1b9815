// The bounded SSE reader: whole events out, and no upstream line, SSE or not, read past the event bound.
import { SseEventReader } from './sse-events';
import { InvalidUpstreamAnswer } from './upstream-answer';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Feeds `text` in reads of `piece` bytes, as a socket would, and collects the events. */
function readAll(reader: SseEventReader, text: string, piece: number) {
  const events: { event: string | null; data: string }[] = [];
  const all = bytes(text);
  for (let at = 0; at < all.length; at += piece) {
    for (const e of reader.read(all.subarray(at, at + piece))) {
      events.push({ event: e.event ?? null, data: e.data });
    }
  }
  return events;
}

function tooLarge(run: () => unknown): InvalidUpstreamAnswer {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidUpstreamAnswer) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('SseEventReader', () => {
  it('yields whole events in order, across reads that split lines and multi-byte characters', () => {
    const text = 'event: a\ndata: {"x":"é"}\n\n: a comment\ndata: 1\ndata: 2\n\ndata: [DONE]\n\n';
    for (const piece of [1, 2, 3, 7, text.length]) {
      expect(readAll(new SseEventReader(1024), text, piece)).toEqual([
        { event: 'a', data: '{"x":"é"}' },
        { event: null, data: '1\n2' },
        { event: null, data: '[DONE]' },
      ]);
    }
  });

  it('reads any number of events whose sizes add up past the bound: the bound is per event', () => {
    const event = `data: ${'x'.repeat(40)}\n\n`;
    const reader = new SseEventReader(100);
    expect(readAll(reader, event.repeat(1000), 48)).toHaveLength(1000);
  });

  it('refuses an SSE line that never ends once it passes the bound', () => {
    const reader = new SseEventReader(100);
    const err = tooLarge(() => readAll(reader, `data: ${'x'.repeat(200)}`, 10));
    expect(err.fault).toBe('too_large');
  });

  it('refuses a line that is not SSE and never ends once it passes the bound, though the parser drops it', () => {
    // eventsource-parser 4 discards such a line as it arrives and reports nothing: only our own count stops it.
    const reader = new SseEventReader(100);
    readAll(reader, 'data: started\n\n', 100);
    const err = tooLarge(() => readAll(reader, `{"choices":"${'x'.repeat(200)}`, 10));
    expect(err.fault).toBe('too_large');
  });

  it('refuses an event whose data lines together pass the bound', () => {
    const reader = new SseEventReader(100);
    const err = tooLarge(() => readAll(reader, 'data: 0123456789\n'.repeat(20), 17));
    expect(err.fault).toBe('too_large');
  });
});
