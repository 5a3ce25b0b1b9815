// The stream relay against recorded OpenAI transcripts, parsed the way the ingress parses them (eventsource-parser).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { ChatStreamRelay } from './passthrough';

const transcript = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

/** Feeds `text` to a relay through an SSE parser, in pieces of `pieceSize` characters, as a socket would. */
function relay(text: string, clientWantsUsage: boolean, pieceSize = text.length) {
  const chatRelay = new ChatStreamRelay({ clientWantsUsage });
  let out = '';
  const parser = createParser({ onEvent: (event) => (out += chatRelay.push(event.data)) });
  for (let i = 0; i < text.length; i += pieceSize) parser.feed(text.slice(i, i + pieceSize));
  return { out, relay: chatRelay };
}

/** The transcript without its usage-only event: what a client that did not ask for usage should get. */
function withoutUsageChunk(text: string): string {
  const events = text.split(/(?<=\n\n)/);
  const kept = events.filter((event) => !event.includes('"choices":[]'));
  expect(events.length - kept.length).toBe(1);
  return kept.join('');
}

describe('ChatStreamRelay on a text stream with usage (include_usage forced upstream)', () => {
  const text = transcript('chat-stream-usage.txt');
  const usage = { inputTokens: 19, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 };

  it('forwards every event byte for byte when the client asked for usage', () => {
    const { out, relay: r } = relay(text, true);
    expect(out).toBe(text);
    expect(r.usage).toEqual(usage);
    expect(r.finishReason).toBe('stop');
    expect(r.model).toBe('gpt-4o-mini-2024-07-18');
    expect(r.sawDone).toBe(true);
  });

  it('drops only the usage chunk when the client did not ask, and still reads the usage', () => {
    const { out, relay: r } = relay(text, false);
    expect(out).toBe(withoutUsageChunk(text));
    expect(out).toContain('"usage":null'); // left on ordinary chunks on purpose
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(r.usage).toEqual(usage);
    expect(r.sawDone).toBe(true);
  });

  it('gives the same result however the bytes are split', () => {
    expect(relay(text, false, 7).out).toBe(relay(text, false).out);
  });
});

describe('ChatStreamRelay on a stream without usage', () => {
  it('forwards it unchanged and reports no usage', () => {
    const text = transcript('chat-stream-no-usage.txt');
    const { out, relay: r } = relay(text, false);
    expect(out).toBe(text);
    expect(r.usage).toBeNull();
    expect(r.finishReason).toBe('stop');
    expect(r.sawDone).toBe(true);
  });
});

describe('ChatStreamRelay on a parallel tool-call stream', () => {
  const text = transcript('chat-stream-tool-call.txt');

  it('reads tool_calls as the finish reason and the cached prompt tokens', () => {
    const { relay: r } = relay(text, true);
    expect(r.finishReason).toBe('tool_calls');
    expect(r.model).toBe('gpt-4.1-2025-04-14');
    expect(r.usage).toEqual({
      inputTokens: 2185,
      outputTokens: 51,
      cacheReadTokens: 2048,
      cacheWriteTokens: 0,
    });
  });

  it('leaves the tool call deltas intact, so the client reassembles the same arguments', () => {
    const { out } = relay(text, false);
    expect(out).toBe(withoutUsageChunk(text));
    const args = ['', ''];
    createParser({
      onEvent: ({ data }) => {
        if (data === '[DONE]') return;
        const chunk = JSON.parse(data) as {
          choices: {
            delta: { tool_calls?: { index: number; function: { arguments?: string } }[] };
          }[];
        };
        for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
          args[call.index] += call.function.arguments ?? '';
        }
      },
    }).feed(out);
    expect(args.map((a) => JSON.parse(a) as unknown)).toEqual([
      { location: 'Paris, France' },
      { location: 'Tokyo, Japan' },
    ]);
  });
});

describe('ChatStreamRelay edge cases', () => {
  it.each<[string, string, boolean, string]>([
    [
      'a usage chunk without a choices field is dropped too',
      '{"id":"x","usage":{"prompt_tokens":1,"completion_tokens":2}}',
      false,
      '',
    ],
    [
      "Azure's prompt-filter chunk (choices [] and no usage) is forwarded",
      '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0}]}',
      false,
      'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0}]}\n\n',
    ],
    [
      'an upstream error event is forwarded',
      '{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}',
      false,
      'data: {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}\n\n',
    ],
    ['data that is not JSON is forwarded as is', 'keep-alive', false, 'data: keep-alive\n\n'],
    [
      'multi-line data gets one data: prefix per line',
      '{"a":\n1}',
      false,
      'data: {"a":\ndata: 1}\n\n',
    ],
  ])('%s', (_case, data, clientWantsUsage, expected) => {
    expect(new ChatStreamRelay({ clientWantsUsage }).push(data)).toBe(expected);
  });

  it('reports a stream cut off before [DONE]', () => {
    const text = transcript('chat-stream-usage.txt');
    const cut = text.slice(0, text.indexOf('data: [DONE]'));
    const { relay: r } = relay(cut, true);
    expect(r.sawDone).toBe(false);
    expect(r.usage).not.toBeNull();
  });

  it('starts empty', () => {
    const r = new ChatStreamRelay({ clientWantsUsage: true });
    expect([r.usage, r.sawDone, r.finishReason, r.model]).toEqual([null, false, null, null]);
  });
});
