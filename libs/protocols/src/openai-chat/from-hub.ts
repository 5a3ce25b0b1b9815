// The hub to OpenAI Chat Completions: the request for an OpenAI-format upstream (OpenAI itself or a compatible
// server), and the `chat.completion` a client gets for an answer that came from another format.
//
// Lost on the way to the upstream (the hub has them, Chat Completions has no field):
// - thinking and redacted_thinking parts of earlier assistant turns: OpenAI takes no reasoning back in Chat
//   (its reasoning stays server-side; `reasoning_content` in requests is a DeepSeek-only convention that OpenAI
//   rejects), so they are dropped. The model reasons afresh.
// - images in tool results: a `tool` message takes text only, so each image becomes a one-line text note.
// - `isError` of a tool result: no field; the text is prefixed with "Error: " so the model still learns it.
// - `topK`: OpenAI has no top-k. `stopSequence` of an answer: Chat does not report which sequence stopped it.
// - images in assistant turns: Chat assistant messages carry no images.
import { withExtraFields } from '../hub/request-overrides';
import type { ClientContext } from '../hub/protocol-adapter';
import type {
  HubMessage,
  HubPart,
  HubRequest,
  HubResponse,
  HubResultPart,
  HubStopReason,
  HubToolChoice,
} from '../hub/hub.types';
import type { TokenUsage } from '../usage';
import { effortFor, imageUrl } from '../openai-base/from-hub';
import { clientId, createdAtOf, reasoningTokensOf } from '../openai-base/context';
import type {
  ChatCompletion,
  ChatContentPart,
  ChatFinishReason,
  ChatMessage,
  ChatToolCall,
  ChatToolChoice,
  ChatUpstreamBody,
  ChatUsage,
} from './types';

export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

export function buildChatRequest(
  request: HubRequest,
  upstreamModel: string,
): { path: string; body: string; headers: Record<string, string> } {
  const body: ChatUpstreamBody = { model: upstreamModel, messages: chatMessages(request) };
  // OpenAI refuses tool_choice and parallel_tool_calls without tools ("only allowed when 'tools' are specified").
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === null ? {} : { description: tool.description }),
        parameters: tool.parameters,
      },
    }));
    if (request.toolChoice !== null) body.tool_choice = chatToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== null) body.parallel_tool_calls = request.parallelToolCalls;
  }
  // `max_completion_tokens`, not the legacy `max_tokens`, which OpenAI's reasoning models refuse.
  if (request.maxTokens !== null) body.max_completion_tokens = request.maxTokens;
  if (request.temperature !== null) body.temperature = request.temperature;
  if (request.topP !== null) body.top_p = request.topP;
  if (request.stop.length > 0) body.stop = request.stop;
  const effort = effortFor(request.reasoning);
  if (effort !== null) body.reasoning_effort = effort;
  if (request.responseFormat !== null) {
    body.response_format =
      request.responseFormat.type === 'json_object'
        ? { type: 'json_object' }
        : {
            type: 'json_schema',
            json_schema: {
              name: request.responseFormat.name,
              schema: request.responseFormat.schema,
            },
          };
  }
  if (request.user !== null) body.user = request.user;
  if (request.stream) {
    body.stream = true;
    // Usage is always metered: the encoder towards the client decides whether the client sees it.
    body.stream_options = { include_usage: true };
  }
  return {
    path: CHAT_COMPLETIONS_PATH,
    body: JSON.stringify(withExtraFields(body, request)),
    headers: { 'content-type': 'application/json' },
  };
}

function chatToolChoice(choice: HubToolChoice): ChatToolChoice {
  return typeof choice === 'string'
    ? choice
    : { type: 'function', function: { name: choice.name } };
}

function chatMessages(request: HubRequest): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (request.system !== null) out.push({ role: 'system', content: request.system });
  for (const message of request.messages) out.push(...chatMessage(message));
  return out;
}

function chatMessage(message: HubMessage): ChatMessage[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: textOf(message.content) }];
    case 'assistant': {
      const text = textOf(message.content);
      const toolCalls = message.content.flatMap((part): ChatToolCall[] =>
        part.type === 'tool_call'
          ? [
              {
                id: part.id,
                type: 'function',
                function: { name: part.name, arguments: part.arguments },
              },
            ]
          : [],
      );
      return [
        {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
      ];
    }
    case 'user': {
      // Tool results first: OpenAI wants the `tool` messages right after the assistant turn that called.
      const out: ChatMessage[] = [];
      const rest: ChatContentPart[] = [];
      for (const part of message.content) {
        if (part.type === 'tool_result') {
          const text = resultText(part.content);
          out.push({
            role: 'tool',
            tool_call_id: part.toolCallId,
            content: part.isError ? `Error: ${text}` : text,
          });
        } else if (part.type === 'text') {
          rest.push({ type: 'text', text: part.text });
        } else if (part.type === 'image') {
          rest.push({ type: 'image_url', image_url: { url: imageUrl(part) } });
        }
      }
      if (rest.length > 0 || out.length === 0) {
        // A lone text part as a plain string, the form every compatible server reads; nothing at all as ''.
        const only = rest.length === 1 ? rest[0] : undefined;
        const content = only?.type === 'text' ? only.text : rest.length === 0 ? '' : rest;
        out.push({ role: 'user', content });
      }
      return out;
    }
  }
}

function textOf(parts: HubPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

const IMAGE_NOTE = '[image omitted: tool results in OpenAI Chat Completions carry text only]';

function resultText(parts: HubResultPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : IMAGE_NOTE)).join('\n');
}

/** The README's table: hub stop reason to `finish_reason`. */
export function chatFinishReason(stopReason: HubStopReason): ChatFinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'refusal':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
  }
}

/** The client's usage object; `completion_tokens_details` only where the reasoning tokens are known. */
export function chatUsage(usage: Partial<TokenUsage>): ChatUsage {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  const reasoning = reasoningTokensOf(usage);
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: {
      cached_tokens: usage.cacheReadTokens ?? 0,
      // Newer OpenAI field, sent only when there were writes (Anthropic's explicit caching).
      ...(cacheWrite > 0 ? { cache_write_tokens: cacheWrite } : {}),
    },
    ...(reasoning === null ? {} : { completion_tokens_details: { reasoning_tokens: reasoning } }),
  };
}

/**
 * The `chat.completion` a client gets for a hub answer. A refusal goes to `message.refusal` (content null);
 * thinking goes to `reasoning_content`, the field DeepSeek, vLLM and OpenRouter clients read.
 */
export function renderChatCompletion(response: HubResponse, ctx: ClientContext): ChatCompletion {
  let text = '';
  let thinking = '';
  const toolCalls: ChatToolCall[] = [];
  for (const part of response.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'thinking') thinking += part.text;
    else if (part.type === 'tool_call') {
      toolCalls.push({
        id: part.id,
        type: 'function',
        function: { name: part.name, arguments: part.arguments },
      });
    }
  }
  const refused = response.stopReason === 'refusal';
  return {
    id: clientId('chatcmpl-', response.id, ctx.requestId),
    object: 'chat.completion',
    created: createdAtOf(ctx),
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: refused || (text === '' && toolCalls.length > 0) ? null : text,
          refusal: refused ? text : null,
          ...(thinking === '' ? {} : { reasoning_content: thinking }),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          annotations: [],
        },
        logprobs: null,
        finish_reason: chatFinishReason(response.stopReason),
      },
    ],
    usage: chatUsage(response.usage),
  };
}
