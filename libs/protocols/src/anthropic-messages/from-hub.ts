// The hub to Anthropic Messages: the request for an Anthropic upstream, and the `message` a client gets for an
// answer that came from another format.
//
// The request is shaped to what the API accepts, which is stricter than the hub:
// - Roles alternate: consecutive messages of one role are merged. A hub `system` message in the middle of the
//   conversation (the API has no such role) becomes text of the user turn it borders, unchanged, after that
//   turn's tool results; tool results come first in every user message (the API wants them right after the
//   assistant turn that called).
// - `max_tokens` is required: the hub's, else 4096 (the lowest output limit of current Claude models, Claude 3
//   Haiku; more would be refused there), plus the thinking budget when thinking is on.
// - Thinking: the hub's budget, else one from the effort (minimal and low 1024, the API's minimum; medium 4096;
//   high 16384), at least 1024; a budget of 0 (Gemini's "off") sends none, a negative one (Gemini's "dynamic")
//   the medium budget. A budget that does not fit below the hub's `maxTokens` is halved to leave the answer
//   room, and dropped if that is under 1024. Thinking is also dropped when a tool is forced (`tool_choice` any
//   or tool: the API refuses both together, and the client asked for the call) and when the last assistant turn
//   called tools without a signed thinking block first (the API refuses that with thinking on; such a history
//   comes from another provider). With thinking on, temperature, top_p and top_k are not sent (the API allows
//   none of them but defaults).
// - temperature above 1 (OpenAI goes to 2) is sent as 1; top_p is not sent next to temperature (newer Claude
//   models refuse both together); stop sequences made only of whitespace are dropped (the API refuses them).
// - Tool call ids are kept, except characters outside `[a-zA-Z0-9_-]` (the API's pattern), replaced by `_` in
//   calls and results alike so they still pair. Arguments that are not a JSON object become `{}`.
// - `image/jpg` (a common misspelling in data URLs) is sent as `image/jpeg`.
// Lost on the way (no field in the Messages API):
// - thinking parts without an Anthropic signature (unsigned, signed by another provider, or a placeholder): the
//   API verifies signatures, so they are dropped; the model reasons afresh, and thinking is turned off when the
//   last tool turn is left without its thinking block (see below).
// - `responseFormat`: the Messages API has no JSON mode (structured outputs are a beta behind a header and a
//   few models), so the request asks for it in words: a note at the end of the system prompt, with the schema.
//   The answer is plain text that should parse; nothing enforces it.
// - `parallelToolCalls: true` is the API's default and is not sent; whitespace-only text parts.
import { withExtraFields } from '../hub/request-overrides';
import type {
  HubImageSource,
  HubMessage,
  HubPart,
  HubReasoning,
  HubRequest,
  HubResponse,
  HubStopReason,
  HubToolChoice,
} from '../hub/hub.types';
import type { ClientContext } from '../hub/protocol-adapter';
import { hostedToolsFor } from '../hub/hosted-tools';
import { clientSignature, signatureFor } from '../hub/thought-signature';
import { isRecord } from '../json';
import { MIN_THINKING_BUDGET } from './to-hub';
import {
  MESSAGES_PATH,
  type AnthropicContentBlock,
  type AnthropicImageBlock,
  type AnthropicTextBlock,
  type AnthropicImageSource,
  type AnthropicMessage,
  type AnthropicMessageResponse,
  type AnthropicResponseBlock,
  type AnthropicRole,
  type AnthropicStopReason,
  type AnthropicToolChoice,
  type AnthropicToolResultBlock,
  type AnthropicUpstreamBody,
} from './types';
import { anthropicUsage } from './usage';

export const DEFAULT_MAX_TOKENS = 4096;

const EFFORT_BUDGETS: Record<NonNullable<HubReasoning['effort']>, number> = {
  minimal: 1024,
  low: 1024,
  medium: 4096,
  high: 16384,
};

export function buildMessagesRequest(
  request: HubRequest,
  upstreamModel: string,
): { path: string; body: string; headers: Record<string, string> } {
  const messages = anthropicMessages(request.messages);
  const budget = thinkingBudget(request, messages);
  const body: AnthropicUpstreamBody = {
    model: upstreamModel,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS + (budget ?? 0),
    messages,
  };
  const system = [request.system, responseFormatNote(request.responseFormat)].filter(
    (s): s is string => s !== null && s !== '',
  );
  if (system.length > 0) body.system = system.join('\n\n');
  // Web search runs on Anthropic's side; other hosted tools are dropped (hub/hosted-tools.ts).
  const hosted = hostedToolsFor(request, 'anthropic', upstreamModel).kept;
  if (hosted.length > 0) body.tools = [{ type: 'web_search_20250305', name: 'web_search' }];
  // The API refuses tool_choice without tools.
  if (request.tools.length > 0) {
    body.tools = [
      ...(body.tools ?? []),
      ...request.tools.map((tool) => ({
        name: tool.name,
        ...(tool.description === null ? {} : { description: tool.description }),
        // The API wants an object schema; OpenAI lets `parameters` leave `type` out.
        input_schema: { type: 'object', ...tool.parameters },
      })),
    ];
    const choice = anthropicToolChoice(request.toolChoice, request.parallelToolCalls === false);
    if (choice !== null) body.tool_choice = choice;
  }
  if (budget !== null) {
    body.thinking = { type: 'enabled', budget_tokens: budget };
  } else {
    if (request.temperature !== null) body.temperature = Math.min(request.temperature, 1);
    if (request.topP !== null && request.temperature === null) body.top_p = request.topP;
    if (request.topK !== null) body.top_k = request.topK;
  }
  const stops = request.stop.filter((s) => s.trim() !== '');
  if (stops.length > 0) body.stop_sequences = stops;
  if (request.user !== null) body.metadata = { user_id: request.user };
  if (request.stream) body.stream = true;
  return {
    path: MESSAGES_PATH,
    body: JSON.stringify(withExtraFields(body, request)),
    headers: { 'content-type': 'application/json' },
  };
}

function anthropicToolChoice(
  choice: HubToolChoice | null,
  disableParallel: boolean,
): AnthropicToolChoice | null {
  const parallel = disableParallel ? { disable_parallel_tool_use: true as const } : {};
  if (choice === null) return disableParallel ? { type: 'auto', ...parallel } : null;
  if (typeof choice !== 'string') return { type: 'tool', name: choice.name, ...parallel };
  switch (choice) {
    case 'auto':
      return { type: 'auto', ...parallel };
    case 'required':
      return { type: 'any', ...parallel };
    case 'none':
      return { type: 'none' };
  }
}

function thinkingBudget(request: HubRequest, messages: AnthropicMessage[]): number | null {
  const reasoning = request.reasoning;
  if (reasoning === null || reasoning.budgetTokens === 0) return null;
  const given = reasoning.budgetTokens;
  let budget = Math.max(
    given !== null && given > 0 ? given : EFFORT_BUDGETS[reasoning.effort ?? 'medium'],
    MIN_THINKING_BUDGET,
  );
  if (request.maxTokens !== null && budget >= request.maxTokens) {
    budget = Math.floor(request.maxTokens / 2);
    if (budget < MIN_THINKING_BUDGET) return null;
  }
  const choice = request.toolChoice;
  const forcesTool = choice === 'required' || (choice !== null && typeof choice === 'object');
  if (request.tools.length > 0 && forcesTool) return null;
  if (lastToolTurnLacksThinking(messages)) return null;
  return budget;
}

/** The API's rule with thinking on: the last assistant turn, if it called tools, starts with thinking. */
function lastToolTurnLacksThinking(messages: AnthropicMessage[]): boolean {
  const last = messages.findLast((m) => m.role === 'assistant');
  if (last === undefined || !last.content.some((b) => b.type === 'tool_use')) return false;
  const first = last.content[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

function responseFormatNote(format: HubRequest['responseFormat']): string | null {
  if (format === null) return null;
  const only =
    'Respond with a single valid JSON object and nothing else: no prose, no code fences.';
  return format.type === 'json_object'
    ? only
    : `${only} The object must conform to this JSON schema (${format.name}): ${JSON.stringify(format.schema)}`;
}

/** Merged, alternating messages with tool results first in each user turn (see the top of this file). */
function anthropicMessages(hub: HubMessage[]): AnthropicMessage[] {
  const out: AnthropicMessage[] = [];
  for (const message of hub) {
    const role: AnthropicRole = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = message.content.flatMap(anthropicBlocks);
    if (blocks.length === 0) continue;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  for (const message of out) {
    if (message.role !== 'user') continue;
    const results = message.content.filter((b) => b.type === 'tool_result');
    if (results.length > 0) {
      message.content = [...results, ...message.content.filter((b) => b.type !== 'tool_result')];
    }
  }
  trimFinalAssistant(out);
  return out;
}

/** The API refuses a final (prefilled) assistant message whose text ends in whitespace. */
function trimFinalAssistant(messages: AnthropicMessage[]): void {
  const last = messages.at(-1);
  if (last?.role !== 'assistant') return;
  const block = last.content.at(-1);
  if (block?.type !== 'text') return;
  block.text = block.text.trimEnd();
  if (block.text !== '') return;
  last.content.pop();
  if (last.content.length === 0) messages.pop();
}

function anthropicBlocks(part: HubPart): AnthropicContentBlock[] {
  switch (part.type) {
    case 'text':
      return part.text.trim() === '' ? [] : [{ type: 'text', text: part.text }];
    case 'image':
      return [{ type: 'image', source: imageSource(part.source) }];
    case 'tool_call':
      return [
        {
          type: 'tool_use',
          id: toolUseId(part.id),
          name: part.name,
          input: toolInput(part.arguments),
        },
      ];
    case 'tool_result':
      return [toolResult(part)];
    case 'thinking': {
      const signature = signatureFor(part.signature, 'anthropic');
      return signature === null ? [] : [{ type: 'thinking', thinking: part.text, signature }];
    }
    case 'redacted_thinking':
      return [{ type: 'redacted_thinking', data: part.data }];
  }
}

function toolResult(part: Extract<HubPart, { type: 'tool_result' }>): AnthropicToolResultBlock {
  const content = part.content.flatMap((p): (AnthropicTextBlock | AnthropicImageBlock)[] => {
    if (p.type === 'image') return [{ type: 'image', source: imageSource(p.source) }];
    return p.text.trim() === '' ? [] : [{ type: 'text', text: p.text }];
  });
  const only = content.length === 1 ? content[0] : undefined;
  return {
    type: 'tool_result',
    tool_use_id: toolUseId(part.toolCallId),
    // One text as a plain string, the form most callers send; nothing at all as no content.
    ...(content.length === 0 ? {} : { content: only?.type === 'text' ? only.text : content }),
    ...(part.isError ? { is_error: true as const } : {}),
  };
}

function imageSource(source: HubImageSource): AnthropicImageSource {
  if (source.kind === 'url') return { type: 'url', url: source.url };
  const mediaType = source.mediaType === 'image/jpg' ? 'image/jpeg' : source.mediaType;
  return { type: 'base64', media_type: mediaType, data: source.data };
}

/** A tool call id within the API's pattern `^[a-zA-Z0-9_-]+$`. */
export function toolUseId(id: string): string {
  return id === '' ? 'toolu_' : id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** A call's arguments (JSON text) as the `input` object the format wants; `{}` for anything else. */
export function toolInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

/** The README's table: hub stop reason to `stop_reason`. */
export function anthropicStopReason(stopReason: HubStopReason): AnthropicStopReason {
  switch (stopReason) {
    case 'end_turn':
    case 'max_tokens':
    case 'stop_sequence':
    case 'tool_use':
    case 'refusal':
      return stopReason;
    case 'content_filter':
      return 'refusal';
  }
}

/**
 * A `msg_` id, derived from the upstream's id (its own prefix replaced) or, when the upstream gave none, from
 * the request id: stable for one answer, never random.
 */
export function messageId(upstreamId: string, requestId: string): string {
  if (upstreamId.startsWith('msg_')) return upstreamId;
  return `msg_${(upstreamId || requestId).replace(/^(chatcmpl-|resp_|gen-|req_)/, '')}`;
}

/** The content blocks a client gets for hub answer parts (answers carry no images or tool results). */
export function responseBlocks(parts: HubPart[]): AnthropicResponseBlock[] {
  return parts.flatMap((part): AnthropicResponseBlock[] => {
    switch (part.type) {
      case 'text':
        return [{ type: 'text', text: part.text }];
      case 'thinking':
        // Unsigned reasoning with an empty signature, as the SDK types want a string; another provider's
        // signature relayed (thought-signature.ts), so it goes back to that provider and no other.
        return [
          {
            type: 'thinking',
            thinking: part.text,
            signature: part.signature === null ? '' : clientSignature(part.signature, 'anthropic'),
          },
        ];
      case 'redacted_thinking':
        return [{ type: 'redacted_thinking', data: part.data }];
      case 'tool_call':
        return [
          { type: 'tool_use', id: part.id, name: part.name, input: toolInput(part.arguments) },
        ];
      case 'image':
      case 'tool_result':
        return [];
    }
  });
}

/** The `message` a client gets for a hub answer. */
export function renderMessage(response: HubResponse, ctx: ClientContext): AnthropicMessageResponse {
  return {
    id: messageId(response.id, ctx.requestId),
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: responseBlocks(response.content),
    stop_reason: anthropicStopReason(response.stopReason),
    stop_sequence: response.stopReason === 'stop_sequence' ? response.stopSequence : null,
    usage: anthropicUsage(response.usage),
  };
}
