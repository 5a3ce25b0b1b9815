// Gemini → hub: a validated client request (parse.ts) to a `HubRequest`, and an upstream `generateContent`
// response (or stream chunk) to a `HubResponse`.
//
// Request fields the hub cannot carry, dropped in translation:
// - `safetySettings`: thresholds of Google's own classifiers; no other provider has them.
// - `cachedContent`: a handle to a context cache that exists only in that Google project.
// - `generationConfig.candidateCount` > 1: the hub holds one answer (the first candidate is the one asked for).
// - `generationConfig.presencePenalty`, `frequencyPenalty`, `seed`, `responseLogprobs`, `logprobs`,
//   `responseModalities`, `speechConfig`, `imageConfig`, `mediaResolution`, and `labels`: no hub field.
// - `responseMimeType` other than `application/json` (`text/x.enum` with its enum schema): plain text is asked.
// - `toolConfig.functionCallingConfig.allowedFunctionNames` with more than one name: the hub's `required` means
//   "some tool", so the narrowing is lost (a single name becomes `{ name }`).
// - Tools other than `functionDeclarations` (`googleSearch`, `codeExecution`, `urlContext`, `fileSearch`, ...),
//   and `executableCode` / `codeExecutionResult` parts: Google-hosted features, not portable.
// - `fileData.mimeType` (the hub's URL image has none), `videoMetadata`, and thought parts in user turns.
// - `systemInstruction` parts other than text (the hub's system prompt is text).
// Kept with a caveat: `inlineData` of any MIME type (PDF, audio) becomes a hub image with that media type; the
// target adapter decides whether its format can take it.
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
import { readClientSignature } from '../hub/thought-signature';
import { isCount, isRecord } from '../json';
import type {
  GeminiBlob,
  GeminiCandidate,
  GeminiContent,
  GeminiFileData,
  GeminiFunctionCall,
  GeminiFunctionDeclaration,
  GeminiFunctionResponse,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiSchema,
  GeminiThinkingConfig,
  GeminiToolConfig,
  GeminiUsageMetadata,
  GeminiGenerateContentResponse,
} from './types';
import { NO_USAGE, usageFromGeminiUsage } from './usage';

/**
 * The id the hub gives a Gemini function call that carries none: its position among the calls (of the response,
 * or of the whole request) and its name, so the same call gets the same id however often it is translated.
 * Characters other formats refuse in ids (Gemini names may hold `.` and `:`) become `_`.
 */
export function toolCallId(index: number, name: string): string {
  return `call_${index}_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Gives calls their ids and pairs each function response with its call: by id when the response carries one,
 * else with the nearest preceding turn that has an unanswered call of that name, and in that turn its first one
 * (parallel calls of one function are answered in call order, as Gemini pairs them).
 */
export class ToolCallLedger {
  private next = 0;
  private readonly open: { id: string; wireId: string | undefined; name: string; turn: number }[] =
    [];

  call(call: GeminiFunctionCall, turn = 0): string {
    const id = call.id ?? toolCallId(this.next, call.name);
    this.next += 1;
    this.open.push({ id, wireId: call.id, name: call.name, turn });
    return id;
  }

  answer(response: GeminiFunctionResponse): string {
    let at =
      response.id === undefined
        ? -1
        : this.open.findIndex((c) => c.wireId === response.id || c.id === response.id);
    if (at < 0) {
      const nearest = this.open.findLast((c) => c.name === response.name);
      at = this.open.findIndex((c) => c.name === response.name && c.turn === nearest?.turn);
    }
    // parse.ts refuses an unpaired response from a client; an upstream never sends one.
    if (at < 0) return response.id ?? toolCallId(this.next++, response.name);
    const [paired] = this.open.splice(at, 1);
    return paired.id;
  }
}

interface PartOptions {
  /** A model turn (thoughts and signatures are read, adjacent text joined) rather than a user turn. */
  model: boolean;
  /** Images are kept (requests) or dropped (answers). */
  images: boolean;
  /** The content's position in the request, for pairing function responses. */
  turn: number;
}

/**
 * Appends Gemini parts to `out` (a hub message's or response's content).
 *
 * Thought signatures: the hub carries a signature only on a `thinking` part. A thought part keeps its own; a
 * signature on any other part (Gemini puts them on function calls and on the text after the thoughts) goes on
 * the unsigned thinking part just before it, or on a new one inserted before it, and from-hub.ts puts it back
 * on the part after the thinking. Signatures are read by hub/thought-signature.ts: bare ones are Gemini's, a
 * relayed one (another provider's, handed to a Gemini client) names its issuer and brings back the reasoning
 * text it signs, which Gemini CLI drops from its history; placeholders count as none. In model turns, adjacent
 * text parts (a stream's chunks) are joined, and so are adjacent thought parts until one is signed.
 */
function appendParts(
  out: HubPart[],
  parts: readonly GeminiPart[],
  opts: PartOptions,
  ledger: ToolCallLedger,
): void {
  for (const part of parts) {
    const read = opts.model ? readClientSignature(part.thoughtSignature, 'gemini') : null;
    const signature = read?.signature ?? null;
    const last = out.at(-1);
    if (part.thought === true && part.text !== undefined) {
      if (!opts.model) continue;
      if (last?.type === 'thinking' && last.signature === null) {
        last.text = read?.thinking ?? last.text + part.text;
        last.signature = signature;
      } else {
        out.push({ type: 'thinking', text: read?.thinking ?? part.text, signature });
      }
      continue;
    }
    if (signature !== null) {
      if (last?.type === 'thinking' && last.signature === null) {
        last.signature = signature;
        if (read !== null && read.thinking !== null) last.text = read.thinking;
      } else {
        out.push({ type: 'thinking', text: read?.thinking ?? '', signature });
      }
    }
    appendData(out, part, opts, ledger);
  }
}

function appendData(
  out: HubPart[],
  part: GeminiPart,
  opts: PartOptions,
  ledger: ToolCallLedger,
): void {
  if (part.text !== undefined) {
    if (part.text === '') return;
    const last = out.at(-1);
    if (opts.model && last?.type === 'text') last.text += part.text;
    else out.push({ type: 'text', text: part.text });
  } else if (part.inlineData) {
    if (opts.images) out.push(imageFromBlob(part.inlineData));
  } else if (part.fileData) {
    if (opts.images) out.push(imageFromFile(part.fileData));
  } else if (part.functionCall) {
    out.push({
      type: 'tool_call',
      id: ledger.call(part.functionCall, opts.turn),
      name: part.functionCall.name,
      arguments: JSON.stringify(part.functionCall.args ?? {}),
    });
  } else if (part.functionResponse) {
    out.push({
      type: 'tool_result',
      toolCallId: ledger.answer(part.functionResponse),
      name: part.functionResponse.name,
      ...toolResultContent(part.functionResponse),
    });
  }
}

function imageFromBlob(blob: GeminiBlob): Extract<HubPart, { type: 'image' }> {
  return { type: 'image', source: { kind: 'base64', mediaType: blob.mimeType, data: blob.data } };
}

function imageFromFile(file: GeminiFileData): Extract<HubPart, { type: 'image' }> {
  return { type: 'image', source: { kind: 'url', url: file.fileUri } };
}

/**
 * A function response's JSON as tool-result text. Gemini's convention: `output` holds the result and `error` a
 * failure (then the result is an error); `content` is what from-hub.ts writes. A response with other keys is the
 * result as a whole.
 */
function toolResultContent(response: GeminiFunctionResponse): {
  content: HubResultPart[];
  isError: boolean;
} {
  const value = response.response ?? {};
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : null;
  const isError = only === 'error';
  const payload = only === 'error' || only === 'output' || only === 'content' ? value[only] : value;
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const content: HubResultPart[] = [{ type: 'text', text }];
  for (const part of response.parts ?? []) {
    if (part.inlineData) content.push(imageFromBlob(part.inlineData));
    else if (part.fileData) content.push(imageFromFile(part.fileData));
  }
  return { content, isError };
}

/**
 * A validated client request as the hub's. `stream` is decided by the URL's method (`streamGenerateContent`),
 * never by the body.
 */
export function geminiRequestToHub(
  request: GeminiGenerateContentRequest,
  model: string,
  stream: boolean,
): HubRequest {
  const config = request.generationConfig ?? {};
  return {
    model,
    system: systemText(request.systemInstruction?.parts ?? []),
    messages: messagesToHub(request.contents),
    tools: (request.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []).map(toolToHub),
    toolChoice: toolChoiceToHub(request.toolConfig),
    maxTokens: config.maxOutputTokens ?? null,
    temperature: config.temperature ?? null,
    topP: config.topP ?? null,
    topK: config.topK ?? null,
    stop: config.stopSequences ?? [],
    stream,
    reasoning: reasoningToHub(config.thinkingConfig),
    responseFormat: responseFormatToHub(config),
    parallelToolCalls: null,
    user: null,
  };
}

function systemText(parts: readonly GeminiPart[]): string | null {
  const texts = parts.flatMap((p) =>
    p.text !== undefined && p.text !== '' && p.thought !== true ? [p.text] : [],
  );
  return texts.length === 0 ? null : texts.join('\n\n');
}

/** Turns in order; consecutive turns of one role (a stream's chunks kept as separate contents) become one. */
function messagesToHub(contents: readonly GeminiContent[]): HubMessage[] {
  const ledger = new ToolCallLedger();
  const messages: HubMessage[] = [];
  for (const [turn, content] of contents.entries()) {
    const role = content.role === 'model' ? 'assistant' : 'user';
    const previous = messages.at(-1);
    const target = previous?.role === role ? previous.content : [];
    appendParts(target, content.parts, { model: role === 'assistant', images: true, turn }, ledger);
    if (target.length > 0 && previous?.content !== target) messages.push({ role, content: target });
  }
  return messages;
}

function toolToHub(declaration: GeminiFunctionDeclaration): HubTool {
  let parameters: Record<string, unknown> = { type: 'object', properties: {} };
  if (isRecord(declaration.parametersJsonSchema)) parameters = declaration.parametersJsonSchema;
  else if (declaration.parameters) parameters = schemaToJsonSchema(declaration.parameters);
  return { name: declaration.name, description: declaration.description ?? null, parameters };
}

/**
 * Gemini's OpenAPI-subset `Schema` as JSON Schema: upper-case types lowered, `nullable` folded into the type,
 * Gemini-only keys (`propertyOrdering`, `format: "enum"`) dropped, `example` as `examples`.
 */
export function schemaToJsonSchema(schema: GeminiSchema): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case 'type':
        if (typeof value === 'string' && value !== 'TYPE_UNSPECIFIED') {
          entries.push(['type', value.toLowerCase()]);
        }
        break;
      case 'nullable':
      case 'propertyOrdering':
        break;
      case 'format':
        if (value !== 'enum') entries.push([key, value]);
        break;
      case 'example':
        entries.push(['examples', [value]]);
        break;
      case 'items':
        entries.push([key, isRecord(value) ? schemaToJsonSchema(value) : value]);
        break;
      case 'anyOf':
        entries.push([key, Array.isArray(value) ? value.map(convertSchemaValue) : value]);
        break;
      case 'properties':
        entries.push([
          key,
          isRecord(value)
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchemaValue(v)]))
            : value,
        ]);
        break;
      default:
        entries.push([key, value]);
    }
  }
  // fromEntries defines own properties, so a property named "__proto__" stays data.
  const out = Object.fromEntries(entries);
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...(out.anyOf as unknown[]), { type: 'null' }];
  }
  return out;
}

function convertSchemaValue(value: unknown): unknown {
  return isRecord(value) ? schemaToJsonSchema(value) : value;
}

function toolChoiceToHub(toolConfig: GeminiToolConfig | undefined): HubToolChoice | null {
  const calling = toolConfig?.functionCallingConfig;
  switch (calling?.mode) {
    case 'AUTO':
    case 'VALIDATED':
      return 'auto';
    case 'NONE':
      return 'none';
    case 'ANY': {
      const names = calling.allowedFunctionNames ?? [];
      return names.length === 1 ? { name: names[0] } : 'required';
    }
    default:
      return null;
  }
}

const EFFORT_OF_LEVEL = {
  MINIMAL: 'minimal',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
  THINKING_LEVEL_UNSPECIFIED: null,
} as const;

/**
 * `thinkingBudget` → `budgetTokens` (0 = off), `thinkingLevel` → `effort`. A dynamic budget (-1, the model
 * chooses) or `includeThoughts` alone has no hub equivalent; it reads as `medium`, the nearest fixed setting.
 */
function reasoningToHub(thinking: GeminiThinkingConfig | undefined): HubReasoning | null {
  if (!thinking) return null;
  const effort = thinking.thinkingLevel ? EFFORT_OF_LEVEL[thinking.thinkingLevel] : null;
  const budget = thinking.thinkingBudget;
  const budgetTokens = budget !== undefined && budget >= 0 ? budget : null;
  if (effort !== null || budgetTokens !== null) return { effort, budgetTokens };
  if (budget === -1 || thinking.includeThoughts === true) {
    return { effort: 'medium', budgetTokens: null };
  }
  return null;
}

function responseFormatToHub(config: GeminiGenerationConfig): HubRequest['responseFormat'] {
  if (config.responseMimeType?.toLowerCase() !== 'application/json') return null;
  const schema = isRecord(config.responseJsonSchema)
    ? config.responseJsonSchema
    : config.responseSchema && schemaToJsonSchema(config.responseSchema);
  return schema ? { type: 'json_schema', name: 'response', schema } : { type: 'json_object' };
}

// ---------------------------------------------------------------------------------------------------------------
// Upstream answers

/**
 * A typed view of an upstream response or stream chunk, read defensively: a field of the wrong type is left out
 * rather than trusted (the upstream is outside the gateway's validation edge).
 */
export function readGeminiResponse(json: unknown): GeminiGenerateContentResponse {
  if (!isRecord(json)) return {};
  const out: GeminiGenerateContentResponse = {};
  if (Array.isArray(json.candidates)) out.candidates = json.candidates.map(readCandidate);
  if (isRecord(json.promptFeedback) && typeof json.promptFeedback.blockReason === 'string') {
    out.promptFeedback = { blockReason: json.promptFeedback.blockReason };
  }
  if (isRecord(json.usageMetadata)) out.usageMetadata = readUsageMetadata(json.usageMetadata);
  if (typeof json.modelVersion === 'string') out.modelVersion = json.modelVersion;
  if (typeof json.responseId === 'string') out.responseId = json.responseId;
  return out;
}

function readCandidate(value: unknown): GeminiCandidate {
  if (!isRecord(value)) return {};
  const out: GeminiCandidate = {};
  if (isRecord(value.content)) {
    const parts = Array.isArray(value.content.parts) ? value.content.parts : [];
    out.content = { parts: parts.flatMap((p) => readPart(p) ?? []) };
    if (typeof value.content.role === 'string') out.content.role = value.content.role;
  }
  if (typeof value.finishReason === 'string') out.finishReason = value.finishReason;
  if (typeof value.index === 'number') out.index = value.index;
  return out;
}

function readPart(value: unknown): GeminiPart | null {
  if (!isRecord(value)) return null;
  const out: GeminiPart = {};
  if (value.thought === true) out.thought = true;
  if (typeof value.thoughtSignature === 'string' && value.thoughtSignature !== '') {
    out.thoughtSignature = value.thoughtSignature;
  }
  const { text, inlineData, fileData, functionCall } = value;
  if (typeof text === 'string') out.text = text;
  else if (isRecord(inlineData) && typeof inlineData.data === 'string') {
    out.inlineData = {
      mimeType:
        typeof inlineData.mimeType === 'string' ? inlineData.mimeType : 'application/octet-stream',
      data: inlineData.data,
    };
  } else if (isRecord(fileData) && typeof fileData.fileUri === 'string') {
    out.fileData = { fileUri: fileData.fileUri };
  } else if (isRecord(functionCall) && typeof functionCall.name === 'string') {
    out.functionCall = { name: functionCall.name };
    if (typeof functionCall.id === 'string') out.functionCall.id = functionCall.id;
    if (isRecord(functionCall.args)) out.functionCall.args = functionCall.args;
  }
  return out;
}

function readUsageMetadata(value: Record<string, unknown>): GeminiUsageMetadata {
  const out: GeminiUsageMetadata = {};
  for (const key of [
    'promptTokenCount',
    'candidatesTokenCount',
    'totalTokenCount',
    'cachedContentTokenCount',
    'thoughtsTokenCount',
    'toolUsePromptTokenCount',
  ] as const) {
    const count = value[key];
    if (isCount(count)) out[key] = count;
  }
  return out;
}

/**
 * Stop reasons per the README table. Gemini says STOP for a stop sequence and for function calls alike: function
 * calls in the answer make it `tool_use`; a stop sequence cannot be told from a natural end.
 */
export function stopReasonFromGemini(
  finishReason: string | undefined,
  hasToolCalls: boolean,
): HubStopReason {
  switch (finishReason) {
    case 'MAX_TOKENS':
      return 'max_tokens';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content_filter';
    default:
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}

/** The stop reason of a whole answer: a blocked prompt (no candidate, `promptFeedback.blockReason`) is filtered. */
export function responseStopReason(
  response: GeminiGenerateContentResponse,
  hasToolCalls: boolean,
): HubStopReason {
  const candidate = response.candidates?.[0];
  if (candidate === undefined && response.promptFeedback?.blockReason !== undefined) {
    return 'content_filter';
  }
  return stopReasonFromGemini(candidate?.finishReason, hasToolCalls);
}

/**
 * An upstream `generateContent` response as the hub's: the first candidate's parts (images an image model
 * returns are dropped: the hub's answer is text, thinking and tool calls), stable tool-call ids.
 */
export function geminiResponseToHub(json: unknown): HubResponse {
  const response = readGeminiResponse(json);
  const content: HubPart[] = [];
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  appendParts(content, parts, { model: true, images: false, turn: 0 }, new ToolCallLedger());
  const hasToolCalls = content.some((part) => part.type === 'tool_call');
  return {
    id: response.responseId ?? '',
    model: response.modelVersion ?? '',
    content,
    stopReason: responseStopReason(response, hasToolCalls),
    stopSequence: null,
    usage: usageFromGeminiUsage(response.usageMetadata) ?? { ...NO_USAGE },
  };
}
