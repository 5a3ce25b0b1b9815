// OpenAI Responses to the hub: a client's request (edge-checked by `parseResponsesRequest`, its `input` items
// and `tools` walked here with OpenAI-style 400s) and an upstream's `response` object.
//
// Dropped in translation (a same-format pass-through carries all of them to the upstream):
// - `store`, `metadata`, `include`, `truncation`, `service_tier`, `prompt_cache_key`, `prompt_cache_retention`,
//   `prompt`, `top_logprobs`, `max_tool_calls`, `stream_options`: platform settings with no counterpart.
// - `reasoning.summary`, `text.verbosity`, `tools[].strict`, `text.format.strict`/`description`, input image
//   `detail`: hints the hub has no field for. (Towards a Responses upstream the gateway asks for summaries
//   whenever reasoning is on, so thinking text comes back.)
// - `id` of reasoning items; their `encrypted_content` is OpenAI's own (kept for a Responses upstream only) or
//   another provider's signature relayed (hub/thought-signature.ts).
// - `safety_identifier` is read as `user` when `user` is absent. `reasoning.effort: 'none'` means no reasoning
//   setting, `'xhigh'` becomes `'high'`.
// Tools: functions as they are; `namespace` groups (Codex's) flattened into functions `<namespace>__<name>` and
// free-form `custom` tools (Codex's `apply_patch`) as functions of one string `input`, their calls mapped back
// (tools.ts); every other tool type (web_search, file_search, code_interpreter, computer use, image_generation,
// mcp, local_shell, ...) is a hosted tool: run by the upstream's own equivalent where one exists, else dropped
// and named (hub/hosted-tools.ts). `web_search_call` items are skipped (OpenAI's record of its own search).
// Refused (400 `unsupported_value`): items of other hosted tools' calls, `input_file` parts, images by
// `file_id`, and `item_reference` items, which name content stored at OpenAI — except references to reasoning
// items (`rs_`), read as reasoning left out.
// `previous_response_id` names a response stored at OpenAI: refused here (a Responses channel can serve it);
// `conversation` and `background` are refused for both paths by `parse.ts`.
import { rejectionToResult, type ProtocolError } from '../errors';
import type {
  HubMessage,
  HubPart,
  HubRequest,
  HubResponse,
  HubResultPart,
  HubHostedTool,
  HubStopReason,
  HubTool,
  HubToolChoice,
} from '../hub/hub.types';
import { hostedToolKind } from '../hub/hosted-tools';
import { readClientSignature } from '../hub/thought-signature';
import { isAbsent, isRecord } from '../json';
import {
  readArray,
  readEnum,
  readObject,
  readOptionalBoolean,
  readOptionalNumber,
  readOptionalString,
  readString,
  reject,
  invalid,
  missing,
  untranslatable,
} from '../openai-base/checks';
import { imageSource, readEffort, UpstreamResponseError } from '../openai-base/to-hub';
import { FREEFORM_PARAMETERS, flatToolName, freeformDescription } from './tools';
import type { ResponsesRequestView } from './types';
import { usageFromResponsesUsage } from './usage';

export function responsesRequestToHub(
  body: Record<string, unknown>,
  view: ResponsesRequestView,
): { ok: true; request: HubRequest } | { ok: false; error: ProtocolError } {
  const result = rejectionToResult(() => translateRequest(body, view));
  return result.ok ? { ok: true, request: result.value } : result;
}

const NOT_TRANSLATABLE = 'cannot be translated to the API format of the channel serving this model';
/** How OpenAI (and relaymesh's translated responses) name reasoning items. */
const REASONING_ID_PREFIX = 'rs_';

function translateRequest(body: Record<string, unknown>, view: ResponsesRequestView): HubRequest {
  if (!isAbsent(body.previous_response_id)) {
    untranslatable(
      'previous_response_id',
      "'previous_response_id' continues a response stored at OpenAI, which only a channel speaking the " +
        "Responses API can do, and this model's channels do not: send the whole conversation in 'input' " +
        'instead, with store set to false (the output items of earlier responses included).',
    );
  }
  const system: string[] = [];
  const instructions = readOptionalString(body.instructions, 'instructions');
  if (instructions !== null && instructions !== '') system.push(instructions);
  const messages = readInput(body.input, system);
  const reasoning = isAbsent(body.reasoning) ? null : readObject(body.reasoning, 'reasoning');
  const text = isAbsent(body.text) ? null : readObject(body.text, 'text');
  const { tools, hosted } = readTools(body.tools);
  return {
    model: view.model,
    system: system.length > 0 ? system.join('\n\n') : null,
    messages,
    tools,
    toolChoice: readToolChoice(body.tool_choice, tools),
    maxTokens: view.maxOutputTokens,
    temperature: readOptionalNumber(body.temperature, 'temperature', 0, 2),
    topP: readOptionalNumber(body.top_p, 'top_p', 0, 1),
    topK: null,
    stop: [],
    stream: view.stream,
    reasoning: reasoning === null ? null : readEffort(reasoning.effort, 'reasoning.effort'),
    responseFormat: text === null ? null : readTextFormat(text.format),
    parallelToolCalls: readOptionalBoolean(body.parallel_tool_calls, 'parallel_tool_calls'),
    user:
      readOptionalString(body.user, 'user') ??
      readOptionalString(body.safety_identifier, 'safety_identifier'),
    ...(hosted.length > 0 ? { hostedTools: hosted } : {}),
  };
}

type ToolResultPart = Extract<HubPart, { type: 'tool_result' }>;

/**
 * `input` to hub messages. A string is one user message. Items: leading system/developer messages go to
 * `system`; consecutive assistant-side items (reasoning, assistant messages, function calls) make one assistant
 * turn; consecutive `function_call_output` items make one user turn of tool results.
 */
function readInput(input: unknown, system: string[]): HubMessage[] {
  if (typeof input === 'string') {
    return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  }
  const messages: HubMessage[] = [];
  const callNames = new Map<string, string>();
  const assistantTurn = (): HubPart[] => {
    const last = messages.at(-1);
    if (last?.role === 'assistant') return last.content;
    const turn: HubMessage = { role: 'assistant', content: [] };
    messages.push(turn);
    return turn.content;
  };

  for (const [i, raw] of readArray(input, 'input').entries()) {
    const at = `input[${i}]`;
    const item = readObject(raw, at);
    // Easy input messages (`{role, content}`) may leave out `type`.
    const type =
      isAbsent(item.type) && !isAbsent(item.role) ? 'message' : readString(item.type, `${at}.type`);
    switch (type) {
      case 'message': {
        const role = readEnum(item.role, `${at}.role`, [
          'user',
          'assistant',
          'system',
          'developer',
        ]);
        if (role === 'system' || role === 'developer') {
          const text = readSystemText(item.content, `${at}.content`);
          if (messages.length === 0) system.push(text);
          else messages.push({ role: 'system', content: [{ type: 'text', text }] });
        } else if (role === 'user') {
          messages.push({ role: 'user', content: readUserContent(item.content, `${at}.content`) });
        } else {
          assistantTurn().push(...readAssistantContent(item.content, `${at}.content`));
        }
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const id = readString(item.call_id, `${at}.call_id`);
        const namespace = readOptionalString(item.namespace, `${at}.namespace`);
        const own = readString(item.name, `${at}.name`);
        const name = namespace === null ? own : flatToolName(namespace, own);
        callNames.set(id, name);
        assistantTurn().push({
          type: 'tool_call',
          id,
          name,
          arguments:
            type === 'function_call'
              ? readString(item.arguments, `${at}.arguments`)
              : JSON.stringify({ input: readString(item.input, `${at}.input`) }),
        });
        break;
      }
      case 'web_search_call':
        // OpenAI's record of a search it ran: nothing another provider can replay (its results are in the
        // assistant text that follows).
        break;
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const part = readCallOutput(item, at, callNames);
        const last = messages.at(-1);
        if (last?.role === 'user' && last.content.every((p) => p.type === 'tool_result')) {
          last.content.push(part);
        } else {
          messages.push({ role: 'user', content: [part] });
        }
        break;
      }
      case 'reasoning': {
        // `encrypted_content` is OpenAI's own when bare, another provider's signature when relayed; a relayed
        // one brings back the text it signs (Codex sends reasoning back by its summary, which is not that).
        const read = readClientSignature(
          typeof item.encrypted_content === 'string' ? item.encrypted_content : null,
          'openai',
        );
        const text = read?.thinking ?? reasoningText(item);
        if (text !== '' || read !== null) {
          assistantTurn().push({ type: 'thinking', text, signature: read?.signature ?? null });
        }
        break;
      }
      case 'item_reference':
        // A reasoning item by its id (`rs_`): @ai-sdk/openai sends the previous step's reasoning this way unless
        // `store` is false. Reasoning is context a target can do without, and even sent whole it would count only
        // if signed by the target's provider, which a bare id cannot show: read as absent, like an unsigned
        // thought. A message or call by reference is content the gateway does not hold: refused.
        if (readString(item.id, `${at}.id`).startsWith(REASONING_ID_PREFIX)) break;
        untranslatable(
          `${at}.type`,
          `'item_reference' items name content stored at OpenAI and ${NOT_TRANSLATABLE}; ` +
            'send the items themselves (clients send references when store is on: set store to false; with ' +
            'the AI SDK, providerOptions: { openai: { store: false } }).',
        );
        break;
      default:
        untranslatable(`${at}.type`, `Input items of type '${type}' ${NOT_TRANSLATABLE}.`);
    }
  }
  return messages;
}

function readSystemText(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  return readArray(content, param)
    .map((raw, i) => {
      const part = readObject(raw, `${param}[${i}]`);
      readEnum(part.type, `${param}[${i}].type`, ['input_text']);
      return readString(part.text, `${param}[${i}].text`);
    })
    .join('\n');
}

const USER_PART_TYPES = ['input_text', 'input_image', 'input_file'] as const;

/** User content (also the parts of a function call output): text and images. */
function readUserContent(content: unknown, param: string): HubResultPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return readArray(content, param).map((raw, i): HubResultPart => {
    const at = `${param}[${i}]`;
    const part = readObject(raw, at);
    const type = readEnum(part.type, `${at}.type`, USER_PART_TYPES);
    switch (type) {
      case 'input_text':
        return { type: 'text', text: readString(part.text, `${at}.text`) };
      case 'input_image': {
        if (isAbsent(part.image_url) && !isAbsent(part.file_id)) {
          untranslatable(
            `${at}.file_id`,
            `Images by 'file_id' are stored at OpenAI and ${NOT_TRANSLATABLE}.`,
          );
        }
        const url = readString(part.image_url, `${at}.image_url`);
        return { type: 'image', source: imageSource(url, `${at}.image_url`) };
      }
      case 'input_file':
        return untranslatable(
          `${at}.type`,
          `Content parts of type 'input_file' ${NOT_TRANSLATABLE}.`,
        );
    }
  });
}

/** Earlier assistant output sent back: `output_text` and `refusal` parts (or a plain string) as text. */
function readAssistantContent(content: unknown, param: string): HubPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return readArray(content, param).map((raw, i): HubPart => {
    const at = `${param}[${i}]`;
    const part = readObject(raw, at);
    const type = readEnum(part.type, `${at}.type`, ['output_text', 'refusal', 'input_text']);
    const text =
      type === 'refusal'
        ? readString(part.refusal, `${at}.refusal`)
        : readString(part.text, `${at}.text`);
    return { type: 'text', text };
  });
}

function readCallOutput(
  item: Record<string, unknown>,
  at: string,
  callNames: Map<string, string>,
): ToolResultPart {
  const toolCallId = readString(item.call_id, `${at}.call_id`);
  const name = callNames.get(toolCallId);
  if (name === undefined) {
    // The real API's wording for an output whose call is not in the input.
    reject(
      invalid(
        `No tool call found for function call output with call_id ${toolCallId}.`,
        'input',
        null,
      ),
    );
  }
  if (isAbsent(item.output)) reject(missing(`${at}.output`));
  const content: HubResultPart[] =
    typeof item.output === 'string'
      ? [{ type: 'text', text: item.output }]
      : readUserContent(item.output, `${at}.output`);
  return { type: 'tool_result', toolCallId, name, content, isError: false };
}

/** A reasoning item's readable text: its summaries, else its raw reasoning text (open-weight models). */
function reasoningText(item: Record<string, unknown>): string {
  const texts = (list: unknown, type: string): string[] =>
    Array.isArray(list)
      ? list.flatMap((p) =>
          isRecord(p) && p.type === type && typeof p.text === 'string' ? [p.text] : [],
        )
      : [];
  const summary = texts(item.summary, 'summary_text');
  return (summary.length > 0 ? summary : texts(item.content, 'reasoning_text')).join('\n\n');
}

/**
 * `tools`: functions as they are; Codex's `namespace` groups flattened into functions named
 * `<namespace>__<name>` (tools.ts); free-form `custom` tools as functions of one string `input`; every other
 * type as a hosted tool (hub/hosted-tools.ts decides per upstream whether it runs or is dropped).
 */
function readTools(value: unknown): { tools: HubTool[]; hosted: HubHostedTool[] } {
  const tools: HubTool[] = [];
  const hosted: HubHostedTool[] = [];
  if (isAbsent(value)) return { tools, hosted };
  const readGroup = (list: unknown, param: string, namespace: string | null): void => {
    for (const [i, raw] of readArray(list, param).entries()) {
      const at = `${param}[${i}]`;
      const tool = readObject(raw, at);
      const type = readString(tool.type, `${at}.type`);
      switch (type) {
        case 'function':
        case 'custom': {
          const name = readString(tool.name, `${at}.name`);
          const description = readOptionalString(tool.description, `${at}.description`);
          const freeform = type === 'custom';
          const origin =
            namespace === null && !freeform ? undefined : { namespace, name, freeform };
          tools.push({
            name: namespace === null ? name : flatToolName(namespace, name),
            description: freeform ? freeformDescription(description, tool.format) : description,
            parameters: freeform
              ? FREEFORM_PARAMETERS
              : isAbsent(tool.parameters)
                ? { type: 'object', properties: {} }
                : readObject(tool.parameters, `${at}.parameters`),
            ...(origin === undefined ? {} : { origin }),
          });
          break;
        }
        case 'namespace':
          readGroup(tool.tools, `${at}.tools`, readString(tool.name, `${at}.name`));
          break;
        default:
          if (namespace !== null) {
            untranslatable(
              `${at}.type`,
              `Tools of type '${type}' inside a namespace ${NOT_TRANSLATABLE}.`,
            );
          }
          hosted.push({ type, kind: hostedToolKind(type), config: tool });
      }
    }
  };
  readGroup(value, 'tools', null);
  return { tools, hosted };
}

function readToolChoice(value: unknown, tools: readonly HubTool[]): HubToolChoice | null {
  if (isAbsent(value)) return null;
  if (typeof value === 'string') {
    return readEnum(value, 'tool_choice', ['none', 'auto', 'required']);
  }
  const choice = readObject(value, 'tool_choice');
  const type = readString(choice.type, 'tool_choice.type');
  switch (type) {
    case 'function':
    case 'custom': {
      const name = readString(choice.name, 'tool_choice.name');
      // A namespaced function is chosen by its own name; the hub knows it by the flattened one.
      return { name: tools.find((t) => t.origin?.name === name)?.name ?? name };
    }
    case 'allowed_tools':
      // The hub has no allow-list within the tools: the mode is kept, the restriction dropped.
      return readEnum(choice.mode, 'tool_choice.mode', ['auto', 'required']);
    default:
      return untranslatable(
        'tool_choice.type',
        `Tool choice of type '${type}' ${NOT_TRANSLATABLE}.`,
      );
  }
}

function readTextFormat(value: unknown): HubRequest['responseFormat'] {
  if (isAbsent(value)) return null;
  const format = readObject(value, 'text.format');
  const type = readEnum(format.type, 'text.format.type', ['text', 'json_object', 'json_schema']);
  switch (type) {
    case 'text':
      return null;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      return {
        type: 'json_schema',
        name: readString(format.name, 'text.format.name'),
        schema: readObject(format.schema, 'text.format.schema'),
      };
  }
}

/**
 * An upstream `response` to the hub: reasoning items (their summaries) as thinking, message text and refusals
 * as text, function calls as tool calls (their `call_id` is the id the client answers with). A `failed`
 * response throws: it is an upstream failure, not an answer.
 */
export function responseToHub(json: unknown): HubResponse {
  if (!isRecord(json)) throw new UpstreamResponseError('response: not a JSON object');
  if (json.status === 'failed') {
    const error =
      isRecord(json.error) && typeof json.error.message === 'string'
        ? json.error.message
        : 'failed';
    throw new UpstreamResponseError(`response failed: ${error}`);
  }
  if (!Array.isArray(json.output)) throw new UpstreamResponseError('response: no output');
  const content: HubPart[] = [];
  let refused = false;
  for (const item of json.output) {
    if (!isRecord(item)) continue;
    if (item.type === 'reasoning') {
      const text = reasoningText(item);
      const encrypted = typeof item.encrypted_content === 'string' ? item.encrypted_content : '';
      const signature = encrypted === '' ? null : { issuer: 'openai' as const, value: encrypted };
      if (text !== '' || signature !== null) content.push({ type: 'thinking', text, signature });
    } else if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) {
        if (!isRecord(part)) continue;
        if (part.type === 'output_text' && typeof part.text === 'string') {
          content.push({ type: 'text', text: part.text });
        } else if (part.type === 'refusal' && typeof part.refusal === 'string') {
          refused = true;
          content.push({ type: 'text', text: part.refusal });
        }
      }
    } else if (item.type === 'function_call') {
      content.push({
        type: 'tool_call',
        id: typeof item.call_id === 'string' ? item.call_id : '',
        name: typeof item.name === 'string' ? item.name : '',
        arguments: typeof item.arguments === 'string' ? item.arguments : '',
      });
    }
  }
  return {
    id: typeof json.id === 'string' ? json.id : '',
    model: typeof json.model === 'string' ? json.model : '',
    content,
    stopReason: responsesStopReason(json.status, json.incomplete_details, {
      hasToolCalls: content.some((p) => p.type === 'tool_call'),
      refused,
    }),
    stopSequence: null,
    usage: usageFromResponsesUsage(json.usage) ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    },
  };
}

/** The README's table read backwards: a response's status and incomplete reason to the hub's stop reason. */
export function responsesStopReason(
  status: unknown,
  incompleteDetails: unknown,
  seen: { hasToolCalls: boolean; refused: boolean },
): HubStopReason {
  if (status === 'incomplete') {
    const reason = isRecord(incompleteDetails) ? incompleteDetails.reason : null;
    return reason === 'content_filter' ? 'content_filter' : 'max_tokens';
  }
  if (seen.refused) return 'refusal';
  return seen.hasToolCalls ? 'tool_use' : 'end_turn';
}
