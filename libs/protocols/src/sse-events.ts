// An upstream's SSE bytes read into whole events, within a bound (STYLE 13: bounded by construction). The parser
// is eventsource-parser; the bound is ours as well as its own. Its `maxBufferSize` caps what it holds of one
// event, but since version 4 it drops a line that cannot be an SSE field as it arrives, without holding or
// reporting it: an upstream sending one endless line of anything else would be read for ever (its bytes never
// held, but never ending either). So the bytes read since the last whole event are counted here too, and past the
// limit the answer is refused as too large, whatever the parser made of them.
import { EventSourceMessage, createParser } from 'eventsource-parser';
import { InvalidUpstreamAnswer } from './upstream-answer';

export type SseEvent = EventSourceMessage;

export class SseEventReader {
  private readonly parser;
  private readonly decoder = new TextDecoder();
  private readonly completed: SseEvent[] = [];
  private parserOverflow = false;
  /** Bytes read since the last whole event (to within one read: the tail after an event in the same read). */
  private sinceEvent = 0;

  /** `maxEventBytes`: the most one event (its lines, and whatever else arrives before it ends) may take. */
  constructor(private readonly maxEventBytes: number) {
    this.parser = createParser({
      onEvent: (event) => this.completed.push(event),
      maxBufferSize: maxEventBytes,
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.parserOverflow = true;
      },
    });
  }

  /** The events this read completed, in order; throws `InvalidUpstreamAnswer` ('too_large') past the bound. */
  read(chunk: Uint8Array): SseEvent[] {
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    this.sinceEvent = this.completed.length > 0 ? 0 : this.sinceEvent + chunk.byteLength;
    if (this.parserOverflow || this.sinceEvent > this.maxEventBytes) {
      throw new InvalidUpstreamAnswer(
        'too_large',
        `a stream event of more than ${this.maxEventBytes} bytes`,
      );
    }
    return this.completed.splice(0);
  }
}
