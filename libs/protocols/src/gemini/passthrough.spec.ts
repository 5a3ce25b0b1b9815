// Gemini to Gemini: the body goes up untouched but for the gateway's extensions, and the recorded SSE stream is
// forwarded byte for byte, re-framed for a client that asked for the JSON-array stream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { clientSignature } from '../hub/thought-signature';
import { GeminiPassThroughRelay, buildGeminiPassThroughRequest } from './passthrough';
import { usageFromGeminiResponse } from './usage';

const transcript = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const sseText = transcript('stream-generate-content.sse.txt');
const finalUsage = {
  inputTokens: 187,
  outputTokens: 104,
  cacheReadTokens: 128,
  cacheWriteTokens: 0,
};

/** Feeds `text` through an SSE parser to a relay in pieces, as the ingress does. */
function relay(sse: boolean, pieceSize = sseText.length) {
  const r = new GeminiPassThroughRelay({ requestId: 'req_1', sse, model: 'gemini-2.5-flash' });
  let out = '';
  const completeAfter: boolean[] = [];
  const parser = createParser({
    onEvent: (event) => {
      out += r.push(event.event ?? null, event.data);
      completeAfter.push(r.complete);
    },
  });
  for (let i = 0; i < sseText.length; i += pieceSize) parser.feed(sseText.slice(i, i + pieceSize));
  return { out, relay: r, completeAfter };
}

describe('buildGeminiPassThroughRequest', () => {
  it('forwards Gemini’s own signatures and Claude’s relayed ones as Google’s placeholder, never as Gemini’s', () => {
    const relayed = clientSignature({ issuer: 'anthropic', value: 'EqQB' }, 'gemini', 'thought');
    const sent = JSON.parse(
      buildGeminiPassThroughRequest(
        {
          contents: [
            { role: 'user', parts: [{ text: 'hi' }] },
            {
              role: 'model',
              parts: [
                { functionCall: { name: 'f', args: {} }, thoughtSignature: relayed },
                { functionCall: { name: 'g', args: {} }, thoughtSignature: 'c2lnbmVk' },
              ],
            },
          ],
        },
        'gemini-3-pro-preview',
        false,
      ).body,
    ) as { contents: { parts: { thoughtSignature?: string }[] }[] };
    expect(sent.contents[1].parts.map((p) => p.thoughtSignature)).toEqual([
      'skip_thought_signature_validator',
      'c2lnbmVk',
    ]);
  });

  const body = JSON.parse(
    '{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"models":["b"],"cachedContent":"cachedContents/x1",' +
      '"__proto__":{"polluted":true},"fallbacks":["c"],"provider":{"sort":"price"},' +
      '"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}',
  ) as Record<string, unknown>;

  it('removes only the gateway extensions, keeping every other field and its order', () => {
    const built = buildGeminiPassThroughRequest(body, 'gemini-2.5-pro', false);
    expect(built.body).toBe(
      '{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"cachedContent":"cachedContents/x1",' +
        '"__proto__":{"polluted":true},' +
        '"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}',
    );
    expect(built.path).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
    expect(built.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('always asks for SSE upstream when streaming', () => {
    expect(buildGeminiPassThroughRequest(body, 'gemini-2.5-pro', true).path).toBe(
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
  });
});

describe('usageFromGeminiResponse', () => {
  it('reads the recorded response: cached tokens inside the prompt, thoughts in the output', () => {
    const json: unknown = JSON.parse(transcript('generate-content-response.json'));
    expect(usageFromGeminiResponse(json)).toEqual({
      inputTokens: 4213,
      outputTokens: 189,
      cacheReadTokens: 4089,
      cacheWriteTokens: 0,
    });
  });

  it.each<[string, unknown, unknown]>([
    ['no usageMetadata', { candidates: [] }, null],
    ['not an object', 'x', null],
    [
      'tool-use prompt tokens (billed as input)',
      {
        usageMetadata: {
          promptTokenCount: 10,
          toolUsePromptTokenCount: 90,
          candidatesTokenCount: 5,
        },
      },
      { inputTokens: 100, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ],
    [
      'more cached tokens than prompt tokens (capped)',
      { usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 50 } },
      { inputTokens: 10, outputTokens: 0, cacheReadTokens: 10, cacheWriteTokens: 0 },
    ],
  ])('reads %s', (_case, json, expected) => {
    expect(usageFromGeminiResponse(json)).toEqual(expected);
  });
});

describe('GeminiPassThroughRelay', () => {
  it('forwards the SSE stream byte for byte, reading usage and completion', () => {
    const { out, relay: r, completeAfter } = relay(true);
    expect(out).toBe(sseText);
    expect(r.end()).toBe('');
    expect(r.usage).toEqual(finalUsage);
    expect(completeAfter).toEqual([false, false, false, false, false, true]);
  });

  it('gives the same bytes however the upstream bytes are split', () => {
    expect(relay(true, 5).out).toBe(relay(true).out);
    expect(relay(false, 5).out).toBe(relay(false).out);
  });

  it('re-frames for a JSON-array client: the recorded array once closed, each chunk unchanged', () => {
    const { out, relay: r } = relay(false);
    const closed = out + r.end();
    expect(JSON.parse(closed)).toEqual(JSON.parse(transcript('stream-generate-content.array.txt')));
    const frames = sseText
      .split('\r\n\r\n')
      .filter(Boolean)
      .map((f) => f.slice('data: '.length));
    expect(closed).toBe(`[${frames.join('\n,\r\n')}\n]`);
    expect(r.usage).toEqual(finalUsage);
    expect(r.complete).toBe(true);
  });

  it('marks a blocked prompt complete and never mistakes a chunk without finishReason for the end', () => {
    const r = new GeminiPassThroughRelay({ requestId: 'r', sse: true, model: 'm' });
    r.push(null, '{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}');
    expect(r.complete).toBe(false);
    r.push(null, '{"promptFeedback":{"blockReason":"SAFETY"}}');
    expect(r.complete).toBe(true);
  });

  it('forwards data that is not JSON as it came, and drops empty data', () => {
    const r = new GeminiPassThroughRelay({ requestId: 'r', sse: true, model: 'm' });
    expect(r.push(null, '')).toBe('');
    expect(r.push(null, 'oops')).toBe('data: oops\r\n\r\n');
    expect(r.usage).toBeNull();
  });
});
