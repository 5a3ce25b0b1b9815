// The `mock` channel type's model (CONTRACT §2): answers locally, in the hub, so it speaks every client format
// through the adapters like any upstream would. For demos, load tests of the gateway itself and health probes.
// Deterministic: it echoes the last user text, so a test can tell which request it answered.
import type { HubPart, HubRequest, HubResponse, HubStreamEvent } from '../hub/hub.types';
import type { TokenUsage } from '../usage';

/**
 * A rough count of a request's input tokens: about four characters per token over every text, tool schema and
 * tool argument, plus a few tokens of framing per message (the ratio OpenAI and Anthropic quote for English).
 * Used where no tokenizer of the upstream is at hand; an estimate, never billed as exact.
 */
export function estimateInputTokens(request: HubRequest): number {
  let chars = request.system?.length ?? 0;
  let framing = 3;
  for (const message of request.messages) {
    framing += 4;
    for (const part of message.content) chars += partChars(part);
  }
  for (const tool of request.tools) {
    framing += 8;
    chars +=
      tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length;
  }
  return framing + Math.ceil(chars / 4);
}

function partChars(part: HubPart): number {
  switch (part.type) {
    case 'text':
    case 'thinking':
      return part.text.length;
    case 'tool_call':
      return part.name.length + part.arguments.length;
    case 'tool_result':
      return part.content.reduce((sum, p) => sum + partChars(p), 0);
    case 'image':
      // Providers bill a typical image at roughly a thousand tokens; its bytes say little.
      return 4_000;
    case 'redacted_thinking':
      return part.data.length;
  }
}

function lastUserText(request: HubRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message.role !== 'user') continue;
    const text = message.content
      .map((part) => (part.type === 'text' ? part.text : ''))
      .join(' ')
      .trim();
    if (text) return text;
  }
  return '';
}

/** The answer's words: cut to `maxTokens` words (one token each) when the request caps the output. */
function answerWords(
  request: HubRequest,
  upstreamModel: string,
): { words: string[]; cut: boolean } {
  const echo = lastUserText(request).slice(0, 500);
  const words = `Mock answer from relaymesh (${upstreamModel}). You said: ${echo}`.split(/\s+/);
  const cap = request.maxTokens;
  return cap !== null && cap < words.length
    ? { words: words.slice(0, Math.max(1, cap)), cut: true }
    : { words, cut: false };
}

function usageOf(request: HubRequest, outputTokens: number): TokenUsage {
  return {
    inputTokens: estimateInputTokens(request),
    outputTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
}

export function mockAnswer(request: HubRequest, upstreamModel: string, id: string): HubResponse {
  const { words, cut } = answerWords(request, upstreamModel);
  return {
    id,
    model: upstreamModel,
    content: [{ type: 'text', text: words.join(' ') }],
    stopReason: cut ? 'max_tokens' : 'end_turn',
    stopSequence: null,
    usage: usageOf(request, words.length),
  };
}

/** The same answer as a stream: one text block, a delta per word. */
export function mockStream(
  request: HubRequest,
  upstreamModel: string,
  id: string,
): HubStreamEvent[] {
  const { words, cut } = answerWords(request, upstreamModel);
  return [
    { type: 'start', id, model: upstreamModel },
    { type: 'block_start', index: 0, block: { type: 'text' } },
    ...words.map((word, i): HubStreamEvent => ({
      type: 'text_delta',
      index: 0,
      text: i === 0 ? word : ` ${word}`,
    })),
    { type: 'block_stop', index: 0 },
    { type: 'usage', usage: usageOf(request, words.length) },
    { type: 'finish', stopReason: cut ? 'max_tokens' : 'end_turn', stopSequence: null },
  ];
}
