// Hub → Gemini: a `HubRequest` as the body of an upstream `generateContent` call, and a `HubResponse` as the
// `GenerateContentResponse` a Gemini client reads.
//
// Upstream request, what changes or is dropped on the way:
// - Roles: Gemini has `user` and `model` only. A system message in mid-conversation is folded, as plain text,
//   into the next user turn (after that turn's function responses, which must lead it); turns of one role that
//   end up adjacent are merged, as Gemini expects turns to alternate.
// - Tool-call ids are not sent (README convention); a function response names its function instead, looked up
//   from the call id when the client format did not carry the name. Results go as
//   `{ content: <the text, or its JSON if it is JSON> }`, failed ones as `{ error: ... }` (Gemini's convention);
//   images of a result follow it as separate parts, which every Gemini model reads.
// - Thinking text is not sent (Gemini does not read earlier thoughts); its signature, when Gemini issued it (no
//   other provider's, hub/thought-signature.ts), goes on the part that follows it, where Gemini placed it.
//   Gemini 3 refuses a model turn's function call without a signature, so one
//   that has none (the conversation came from another format) gets the validator-skip value Google documents for
//   that case. `redacted_thinking` is dropped.
// - `parallelToolCalls`, `user`, the json_schema `name`, and stop sequences beyond Gemini's five are dropped.
// Client response: `stopSequence`, `cacheWriteTokens` and the reasoning share of output tokens have no Gemini
// field; `redacted_thinking` is dropped.
import { withExtraFields } from '../hub/request-overrides';
import type { ClientContext } from '../hub/protocol-adapter';
import type {
  HubMessage,
  HubPart,
  HubReasoning,
  HubRequest,
  HubResponse,
  HubResultPart,
  HubStopReason,
  HubTool,
  HubToolChoice,
} from '../hub/hub.types';
import { hostedToolsFor } from '../hub/hosted-tools';
import { clientSignature, signatureFor } from '../hub/thought-signature';
import { isRecord } from '../json';
import type { TokenUsage } from '../usage';
import type {
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerateContentResponse,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiRole,
  GeminiThinkingConfig,
  GeminiToolConfig,
  GeminiUsageMetadata,
} from './types';

/** Google's documented placeholder for a function call whose thought signature was not produced by Gemini. */
export const SKIP_SIGNATURE_VALIDATION = 'skip_thought_signature_validator';
/** Gemini's limit on `stopSequences`. */
const MAX_STOP_SEQUENCES = 5;
/** Thinking budgets for an effort (Gemini 2.5 Flash's range is 0-24576; Pro's 128-32768). */
const BUDGET_OF_EFFORT = { minimal: 512, low: 1024, medium: 8192, high: 24576 } as const;

/** The REST path of a model's method; upstream streams are always SSE (`alt=sse`). */
export function geminiPath(model: string, stream: boolean): string {
  const name = model.replace(/^models\//, '');
  return stream
    ? `/v1beta/models/${name}:streamGenerateContent?alt=sse`
    : `/v1beta/models/${name}:generateContent`;
}

export function hubToGeminiRequest(
  hub: HubRequest,
  upstreamModel: string,
): { path: string; body: string; headers: Record<string, string> } {
  const body: GeminiGenerateContentRequest = {
    contents: contentsFromHub(hub.messages, requiresSignatures(upstreamModel)),
  };
  if (hub.system !== null && hub.system !== '') {
    body.systemInstruction = { parts: [{ text: hub.system }] };
  }
  if (hub.tools.length > 0) {
    body.tools = [{ functionDeclarations: hub.tools.map(declarationFromHub) }];
    if (hub.toolChoice !== null) body.toolConfig = toolConfigFromHub(hub.toolChoice);
  }
  // Web search as Google Search grounding; other hosted tools are dropped (hub/hosted-tools.ts).
  if (hostedToolsFor(hub, 'gemini', upstreamModel).kept.length > 0) {
    body.tools = [...(body.tools ?? []), { googleSearch: {} }];
  }
  const config = generationConfigFromHub(hub);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return {
    path: geminiPath(upstreamModel, hub.stream),
    body: JSON.stringify(withExtraFields(body, hub)),
    headers: { 'content-type': 'application/json' },
  };
}

/** Gemini 3 and later validate function-call signatures; 1.x and 2.x ignore a missing one. */
function requiresSignatures(model: string): boolean {
  const version = /gemini-(\d+)/.exec(model);
  return version !== null && Number(version[1]) >= 3;
}

function contentsFromHub(messages: readonly HubMessage[], signCalls: boolean): GeminiContent[] {
  const callNames = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) {
      if (part.type === 'tool_call') callNames.set(part.id, part.name);
    }
  }

  const contents: GeminiContent[] = [];
  const push = (role: GeminiRole, parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  let pendingSystem: string[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        pendingSystem.push(...texts(message.content));
        break;
      case 'assistant':
        push('model', modelParts(message.content, signCalls));
        break;
      case 'user': {
        const parts = userParts(message.content, callNames);
        if (pendingSystem.length > 0) {
          const leading = parts.findIndex((p) => p.functionResponse === undefined);
          const at = leading < 0 ? parts.length : leading;
          parts.splice(at, 0, { text: pendingSystem.join('\n\n') });
          pendingSystem = [];
        }
        push('user', parts);
        break;
      }
    }
  }
  if (pendingSystem.length > 0) push('user', [{ text: pendingSystem.join('\n\n') }]);
  return contents;
}

function texts(content: readonly HubPart[]): string[] {
  return content.flatMap((p) => (p.type === 'text' && p.text !== '' ? [p.text] : []));
}

function modelParts(content: readonly HubPart[], signCalls: boolean): GeminiPart[] {
  const parts: GeminiPart[] = [];
  let signature: string | null = null;
  let signedCall = false;
  for (const part of content) {
    let out: GeminiPart;
    switch (part.type) {
      case 'thinking':
        // Only Gemini's own signatures: another provider's (or none) is absent, handled below for calls.
        signature = signatureFor(part.signature, 'gemini') ?? signature;
        continue;
      case 'redacted_thinking':
      case 'tool_result':
        continue;
      case 'text':
        // Gemini refuses an empty text part.
        if (part.text === '') continue;
        out = { text: part.text };
        break;
      case 'image':
        out = imagePart(part.source);
        break;
      case 'tool_call':
        out = { functionCall: { name: part.name, args: argumentsObject(part.arguments) } };
        if (signature === null && signCalls && !signedCall) signature = SKIP_SIGNATURE_VALIDATION;
        signedCall = true;
        break;
    }
    if (signature !== null) out.thoughtSignature = signature;
    signature = null;
    parts.push(out);
  }
  return parts;
}

function userParts(content: readonly HubPart[], callNames: Map<string, string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  for (const part of content) {
    switch (part.type) {
      case 'text':
        if (part.text !== '') parts.push({ text: part.text });
        break;
      case 'image':
        parts.push(imagePart(part.source));
        break;
      case 'tool_result': {
        // Without a name anywhere, the id is the only handle left; Gemini will answer that no such call exists.
        const name = part.name ?? callNames.get(part.toolCallId) ?? part.toolCallId;
        const value = resultValue(part.content);
        parts.push({
          functionResponse: {
            name,
            response: part.isError ? { error: value } : { content: value },
          },
        });
        for (const item of part.content) {
          if (item.type === 'image') parts.push(imagePart(item.source));
        }
        break;
      }
      case 'thinking':
      case 'redacted_thinking':
      case 'tool_call':
        break;
    }
  }
  return parts;
}

/** A tool result's text as Gemini's response value: parsed when it is JSON, so the model reads structure. */
function resultValue(content: readonly HubResultPart[]): unknown {
  const text = texts(content).join('\n');
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Tool arguments are JSON text in the hub and an object in Gemini; text that is not an object reads as `{}`. */
export function argumentsObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

const DATA_URL = /^data:([^;,]+)(?:;[^,;]+)*;base64,(.*)$/s;
const MIME_OF_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/**
 * A hub image as a Gemini part: bytes as `inlineData`, a `data:` URL decoded to the same, any other URL as
 * `fileData` (Gemini fetches public URLs itself; the MIME type is guessed from the extension, else left out).
 */
function imagePart(source: Extract<HubPart, { type: 'image' }>['source']): GeminiPart {
  if (source.kind === 'base64') {
    return { inlineData: { mimeType: source.mediaType, data: source.data } };
  }
  const dataUrl = DATA_URL.exec(source.url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1], data: dataUrl[2] } };
  const extension = /\.([A-Za-z0-9]+)(?:[?#].*)?$/.exec(source.url)?.[1].toLowerCase();
  const mimeType = extension === undefined ? undefined : MIME_OF_EXTENSION[extension];
  return { fileData: { ...(mimeType === undefined ? {} : { mimeType }), fileUri: source.url } };
}

function declarationFromHub(tool: HubTool): GeminiFunctionDeclaration {
  const declaration: GeminiFunctionDeclaration = { name: tool.name };
  if (tool.description !== null && tool.description !== '') {
    declaration.description = tool.description;
  }
  if (!isEmptyObjectSchema(tool.parameters)) declaration.parametersJsonSchema = tool.parameters;
  return declaration;
}

/** A function without arguments is declared without a schema (older models refuse an object with no properties). */
function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const keys = Object.keys(schema).filter(
    (k) => !['type', 'properties', 'required', 'additionalProperties', '$schema'].includes(k),
  );
  const properties = schema.properties;
  const required = schema.required;
  return (
    keys.length === 0 &&
    (schema.type === undefined || schema.type === 'object') &&
    (properties === undefined || (isRecord(properties) && Object.keys(properties).length === 0)) &&
    (required === undefined || (Array.isArray(required) && required.length === 0))
  );
}

function toolConfigFromHub(choice: HubToolChoice): GeminiToolConfig {
  if (typeof choice === 'object') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
  const mode = ({ auto: 'AUTO', none: 'NONE', required: 'ANY' } as const)[choice];
  return { functionCallingConfig: { mode } };
}

function generationConfigFromHub(hub: HubRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (hub.maxTokens !== null) config.maxOutputTokens = hub.maxTokens;
  if (hub.temperature !== null) config.temperature = hub.temperature;
  if (hub.topP !== null) config.topP = hub.topP;
  if (hub.topK !== null) config.topK = hub.topK;
  if (hub.stop.length > 0) config.stopSequences = hub.stop.slice(0, MAX_STOP_SEQUENCES);
  const format = hub.responseFormat;
  if (format !== null) {
    config.responseMimeType = 'application/json';
    if (format.type === 'json_schema') config.responseJsonSchema = format.schema;
  }
  const thinking = thinkingFromHub(hub.reasoning);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/**
 * A budget as asked, else one for the effort; thoughts are included whenever reasoning is asked for, so the
 * client's format gets its reasoning text. A budget of 0 turns thinking off. Neither budget nor effort: the
 * model's own (dynamic) budget.
 */
function thinkingFromHub(reasoning: HubReasoning | null): GeminiThinkingConfig | undefined {
  if (reasoning === null) return undefined;
  const budget =
    reasoning.budgetTokens ??
    (reasoning.effort === null ? null : BUDGET_OF_EFFORT[reasoning.effort]);
  if (budget === 0) return { thinkingBudget: 0 };
  return budget === null
    ? { includeThoughts: true }
    : { thinkingBudget: budget, includeThoughts: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Client answers

/** The README table: Gemini has no tool-call or stop-sequence reason (both are STOP). */
export function finishReasonFromHub(stopReason: HubStopReason): string {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'tool_use':
      return 'STOP';
    case 'max_tokens':
      return 'MAX_TOKENS';
    case 'content_filter':
    case 'refusal':
      return 'SAFETY';
  }
}

export function usageMetadataFromHub(usage: TokenUsage): GeminiUsageMetadata {
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(usage.cacheReadTokens > 0 ? { cachedContentTokenCount: usage.cacheReadTokens } : {}),
  };
}

/** A hub tool call as Gemini's part; the id goes along (the API's `functionCall.id`) so results pair exactly. */
export function functionCallPart(id: string, name: string, argumentsJson: string): GeminiPart {
  return { functionCall: { id, name, args: argumentsObject(argumentsJson) } };
}

/**
 * Answer content as a Gemini client sees it: thoughts as `thought` parts, calls whole, and each thought's
 * signature where Gemini puts it: on the part that follows the thought (a function call or text), or on an
 * empty text part at the end when nothing follows. Never on the thought part itself: Gemini CLI drops thought
 * parts from the history it sends back, and with them any signature they carried. Another provider's signature
 * is relayed with the text it signs (hub/thought-signature.ts), for the same reason.
 */
export function clientParts(content: readonly HubPart[]): GeminiPart[] {
  const parts: GeminiPart[] = [];
  let pending: string | null = null;
  const push = (part: GeminiPart): void => {
    if (pending !== null) part.thoughtSignature = pending;
    pending = null;
    parts.push(part);
  };
  for (const part of content) {
    switch (part.type) {
      case 'text':
        if (part.text !== '') push({ text: part.text });
        break;
      case 'thinking':
        if (part.text !== '') parts.push({ text: part.text, thought: true });
        if (part.signature !== null) {
          pending = clientSignature(part.signature, 'gemini', part.text);
        }
        break;
      case 'tool_call':
        push(functionCallPart(part.id, part.name, part.arguments));
        break;
      case 'image':
      case 'tool_result':
      case 'redacted_thinking':
        break;
    }
  }
  if (pending !== null) push({ text: '' });
  return parts;
}

/** `responseId` is the request id: one id per answer, the same in every chunk of a stream. */
export function hubResponseToGemini(
  hub: HubResponse,
  ctx: ClientContext,
): GeminiGenerateContentResponse {
  const parts = clientParts(hub.content);
  return {
    candidates: [
      {
        // Gemini leaves `parts` out of an empty answer (e.g. MAX_TOKENS spent on thinking).
        content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' },
        finishReason: finishReasonFromHub(hub.stopReason),
        index: 0,
      },
    ],
    usageMetadata: usageMetadataFromHub(hub.usage),
    modelVersion: ctx.model,
    responseId: ctx.requestId,
  };
}
