// Edge validation of a Gemini `generateContent` body, with the API's own 400 INVALID_ARGUMENT messages: Google's
// JSON layer reports wrong types as "Invalid value at '<proto path>' (<type>), <value>" and the service its
// semantic checks as "* GenerateContentRequest.<proto path>: <what>\n" (both name fields in proto snake_case;
// the error's `param` uses the request's camelCase). What passes comes back as a typed request holding only the
// fields this adapter translates; unknown fields are not rejected (the translation drops them, see to-hub.ts).
import type { ProtocolError } from '../errors';
import { isAbsent, isRecord } from '../json';
import { geminiInvalidArgument } from './errors';
import { ToolCallLedger } from './to-hub';
import {
  GEMINI_CALLING_MODES,
  GEMINI_ROLES,
  GEMINI_THINKING_LEVELS,
  type GeminiBlob,
  type GeminiCallingMode,
  type GeminiContent,
  type GeminiFileData,
  type GeminiFunctionDeclaration,
  type GeminiFunctionResponsePart,
  type GeminiGenerateContentRequest,
  type GeminiGenerationConfig,
  type GeminiPart,
  type GeminiRole,
  type GeminiThinkingConfig,
  type GeminiThinkingLevel,
  type GeminiTool,
  type GeminiToolConfig,
} from './types';

export type ParsedGeminiRequest =
  { ok: true; request: GeminiGenerateContentRequest } | { ok: false; error: ProtocolError };

type Check<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

const V1BETA = 'type.googleapis.com/google.ai.generativelanguage.v1beta';
const PROTO = {
  content: `${V1BETA}.Content`,
  part: `${V1BETA}.Part`,
  blob: `${V1BETA}.Blob`,
  fileData: `${V1BETA}.FileData`,
  functionCall: `${V1BETA}.FunctionCall`,
  functionResponse: `${V1BETA}.FunctionResponse`,
  functionResponsePart: `${V1BETA}.FunctionResponsePart`,
  tool: `${V1BETA}.Tool`,
  functionDeclaration: `${V1BETA}.FunctionDeclaration`,
  schema: `${V1BETA}.Schema`,
  toolConfig: `${V1BETA}.ToolConfig`,
  callingConfig: `${V1BETA}.FunctionCallingConfig`,
  callingMode: `${V1BETA}.FunctionCallingConfig.Mode`,
  generationConfig: `${V1BETA}.GenerationConfig`,
  thinkingConfig: `${V1BETA}.ThinkingConfig`,
  thinkingLevel: `${V1BETA}.ThinkingConfig.ThinkingLevel`,
  struct: 'type.googleapis.com/google.protobuf.Struct',
} as const;

/** A Part's `data` oneof, in proto order; the code-execution members are accepted and not translated. */
const PART_DATA_FIELDS = [
  'text',
  'inlineData',
  'functionCall',
  'functionResponse',
  'fileData',
  'executableCode',
  'codeExecutionResult',
] as const;

/** The API's rule for function names (its message says "dots", and colons are accepted too). */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
/** The base64 alphabet, standard and URL-safe; checked as one character class, as images run to megabytes. */
const BASE64_ALPHABET = /^[A-Za-z0-9+/_-]*$/;

function fail(message: string, param: string | null): { ok: false; error: ProtocolError } {
  return { ok: false, error: geminiInvalidArgument(message, param) };
}

/** `contents[0].inlineData.mimeType` → `contents[0].inline_data.mime_type`, as Google's messages spell paths. */
function protoPath(param: string): string {
  return param.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function invalidValue(
  param: string,
  type: string,
  value: unknown,
): { ok: false; error: ProtocolError } {
  return fail(`Invalid value at '${protoPath(param)}' (${type}), ${show(value)}`, param);
}

function semantic(param: string, what: string): { ok: false; error: ProtocolError } {
  return fail(`* GenerateContentRequest.${protoPath(param)}: ${what}\n`, param);
}

/**
 * Validates a `generateContent` body. `urlModel` is the `{model}` of `/v1beta/models/{model}:generateContent`;
 * the body carries no model.
 */
export function parseGeminiRequest(body: unknown, urlModel: string | null): ParsedGeminiRequest {
  if (!isRecord(body)) {
    return fail(
      'Invalid JSON payload received. Unknown name "": Root element must be a message.',
      null,
    );
  }
  if (urlModel === null || urlModel.trim() === '') {
    return semantic('model', 'unexpected model name format');
  }

  const contents = checkContents(body.contents);
  if (!contents.ok) return contents;

  const paired = checkFunctionResponsesPaired(contents.value);
  if (!paired.ok) return paired;

  const request: GeminiGenerateContentRequest = { contents: contents.value };

  if (!isAbsent(body.systemInstruction)) {
    const system = checkSystemInstruction(body.systemInstruction);
    if (!system.ok) return system;
    request.systemInstruction = system.value;
  }
  if (!isAbsent(body.tools)) {
    const tools = checkTools(body.tools);
    if (!tools.ok) return tools;
    request.tools = tools.value;
  }
  if (!isAbsent(body.toolConfig)) {
    const toolConfig = checkToolConfig(body.toolConfig);
    if (!toolConfig.ok) return toolConfig;
    request.toolConfig = toolConfig.value;
  }
  if (!isAbsent(body.generationConfig)) {
    const config = checkGenerationConfig(body.generationConfig);
    if (!config.ok) return config;
    request.generationConfig = config.value;
  }
  return { ok: true, request };
}

function checkContents(contents: unknown): Check<GeminiContent[]> {
  if (isAbsent(contents) || (Array.isArray(contents) && contents.length === 0)) {
    return semantic('contents', 'contents is not specified');
  }
  if (!Array.isArray(contents)) return invalidValue('contents', PROTO.content, contents);
  const out: GeminiContent[] = [];
  for (const [i, content] of contents.entries()) {
    const param = `contents[${i}]`;
    if (!isRecord(content)) return invalidValue(param, PROTO.content, content);
    // A single content may leave out its role (it is the user's); in a conversation every turn names it.
    const role = checkRole(`${param}.role`, content.role, contents.length === 1);
    if (!role.ok) return role;
    const parts = checkParts(`${param}.parts`, content.parts);
    if (!parts.ok) return parts;
    if (parts.value.length === 0) {
      return semantic(`${param}.parts`, 'contents.parts must not be empty.');
    }
    out.push({ role: role.value, parts: parts.value });
  }
  return { ok: true, value: out };
}

function checkRole(param: string, role: unknown, mayBeAbsent: boolean): Check<GeminiRole> {
  if ((isAbsent(role) || role === '') && mayBeAbsent) return { ok: true, value: 'user' };
  if (!isAbsent(role) && typeof role !== 'string') return invalidValue(param, 'TYPE_STRING', role);
  if (typeof role === 'string' && (GEMINI_ROLES as readonly string[]).includes(role)) {
    return { ok: true, value: role as GeminiRole };
  }
  return fail('Please use a valid role: user, model.', param);
}

function checkParts(param: string, parts: unknown): Check<GeminiPart[]> {
  if (isAbsent(parts)) return { ok: true, value: [] };
  if (!Array.isArray(parts)) return invalidValue(param, PROTO.part, parts);
  const out: GeminiPart[] = [];
  for (const [j, part] of parts.entries()) {
    const checked = checkPart(`${param}[${j}]`, part);
    if (!checked.ok) return checked;
    out.push(checked.value);
  }
  return { ok: true, value: out };
}

function checkPart(param: string, part: unknown): Check<GeminiPart> {
  if (!isRecord(part)) return invalidValue(param, PROTO.part, part);
  const set = PART_DATA_FIELDS.filter((field) => !isAbsent(part[field]));
  if (set.length === 0) {
    return semantic(`${param}.data`, "required oneof field 'data' must have one initialized field");
  }
  if (set.length > 1) {
    return fail(
      `Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${set[1]}'`,
      `${param}.${set[1]}`,
    );
  }

  const out: GeminiPart = {};
  if (!isAbsent(part.thought)) {
    if (typeof part.thought !== 'boolean') {
      return invalidValue(`${param}.thought`, 'TYPE_BOOL', part.thought);
    }
    out.thought = part.thought;
  }
  if (!isAbsent(part.thoughtSignature)) {
    const signature = checkBytes(`${param}.thoughtSignature`, part.thoughtSignature);
    if (!signature.ok) return signature;
    if (signature.value !== '') out.thoughtSignature = signature.value;
  }

  switch (set[0]) {
    case 'text':
      if (typeof part.text !== 'string') {
        return invalidValue(`${param}.text`, 'TYPE_STRING', part.text);
      }
      out.text = part.text;
      break;
    case 'inlineData': {
      const blob = checkBlob(`${param}.inlineData`, part.inlineData);
      if (!blob.ok) return blob;
      out.inlineData = blob.value;
      break;
    }
    case 'fileData': {
      const file = checkFileData(`${param}.fileData`, part.fileData);
      if (!file.ok) return file;
      out.fileData = file.value;
      break;
    }
    case 'functionCall': {
      const call = part.functionCall;
      const path = `${param}.functionCall`;
      if (!isRecord(call)) return invalidValue(path, PROTO.functionCall, call);
      const name = checkName(`${path}.name`, call.name);
      if (!name.ok) return name;
      const id = checkOptionalString(`${path}.id`, call.id);
      if (!id.ok) return id;
      const args = checkStruct(`${path}.args`, call.args);
      if (!args.ok) return args;
      out.functionCall = {
        ...(id.value === undefined ? {} : { id: id.value }),
        name: name.value,
        ...(args.value === undefined ? {} : { args: args.value }),
      };
      break;
    }
    case 'functionResponse': {
      const response = part.functionResponse;
      const path = `${param}.functionResponse`;
      if (!isRecord(response)) return invalidValue(path, PROTO.functionResponse, response);
      const name = checkName(`${path}.name`, response.name);
      if (!name.ok) return name;
      const id = checkOptionalString(`${path}.id`, response.id);
      if (!id.ok) return id;
      const value = checkStruct(`${path}.response`, response.response);
      if (!value.ok) return value;
      const parts = checkResponseParts(`${path}.parts`, response.parts);
      if (!parts.ok) return parts;
      out.functionResponse = {
        ...(id.value === undefined ? {} : { id: id.value }),
        name: name.value,
        ...(value.value === undefined ? {} : { response: value.value }),
        ...(parts.value.length === 0 ? {} : { parts: parts.value }),
      };
      break;
    }
    case 'executableCode':
    case 'codeExecutionResult':
      // Valid, but not translatable: the part reaches to-hub with no data and is dropped there.
      break;
  }
  return { ok: true, value: out };
}

function checkBlob(param: string, blob: unknown): Check<GeminiBlob> {
  if (!isRecord(blob)) return invalidValue(param, PROTO.blob, blob);
  const mimeType = checkOptionalString(`${param}.mimeType`, blob.mimeType);
  if (!mimeType.ok) return mimeType;
  if (mimeType.value === undefined || mimeType.value === '') {
    return semantic(`${param}.mimeType`, 'mime_type must not be empty');
  }
  const data = checkBytes(`${param}.data`, blob.data);
  if (!data.ok) return data;
  if (data.value === '') return semantic(`${param}.data`, 'data must not be empty');
  return { ok: true, value: { mimeType: mimeType.value, data: data.value } };
}

function checkFileData(param: string, file: unknown): Check<GeminiFileData> {
  if (!isRecord(file)) return invalidValue(param, PROTO.fileData, file);
  const fileUri = checkOptionalString(`${param}.fileUri`, file.fileUri);
  if (!fileUri.ok) return fileUri;
  if (fileUri.value === undefined || fileUri.value === '') {
    return semantic(`${param}.fileUri`, 'file_uri must not be empty');
  }
  const mimeType = checkOptionalString(`${param}.mimeType`, file.mimeType);
  if (!mimeType.ok) return mimeType;
  return {
    ok: true,
    value: {
      ...(mimeType.value === undefined || mimeType.value === ''
        ? {}
        : { mimeType: mimeType.value }),
      fileUri: fileUri.value,
    },
  };
}

function checkResponseParts(param: string, parts: unknown): Check<GeminiFunctionResponsePart[]> {
  if (isAbsent(parts)) return { ok: true, value: [] };
  if (!Array.isArray(parts)) return invalidValue(param, PROTO.functionResponsePart, parts);
  const out: GeminiFunctionResponsePart[] = [];
  for (const [k, part] of parts.entries()) {
    const path = `${param}[${k}]`;
    if (!isRecord(part)) return invalidValue(path, PROTO.functionResponsePart, part);
    if (!isAbsent(part.inlineData)) {
      const blob = checkBlob(`${path}.inlineData`, part.inlineData);
      if (!blob.ok) return blob;
      out.push({ inlineData: blob.value });
    } else if (!isAbsent(part.fileData)) {
      const file = checkFileData(`${path}.fileData`, part.fileData);
      if (!file.ok) return file;
      out.push({ fileData: file.value });
    } else {
      return semantic(
        `${path}.data`,
        "required oneof field 'data' must have one initialized field",
      );
    }
  }
  return { ok: true, value: out };
}

function checkName(param: string, name: unknown): Check<string> {
  if (!isAbsent(name) && typeof name !== 'string') return invalidValue(param, 'TYPE_STRING', name);
  if (isAbsent(name) || name === '') return semantic(param, 'Name cannot be empty.');
  return { ok: true, value: name };
}

function checkOptionalString(param: string, value: unknown): Check<string | undefined> {
  if (isAbsent(value)) return { ok: true, value: undefined };
  if (typeof value !== 'string') return invalidValue(param, 'TYPE_STRING', value);
  return { ok: true, value };
}

/** `bytes` fields travel as base64 (standard or URL-safe alphabet, padding optional). */
function checkBytes(param: string, value: unknown): Check<string> {
  if (isAbsent(value)) return { ok: true, value: '' };
  if (typeof value !== 'string') return invalidValue(param, 'TYPE_BYTES', value);
  if (!isBase64(value)) {
    return fail(
      `Invalid value at '${protoPath(param)}' (TYPE_BYTES), Base64 decoding failed for ${show(value)}`,
      param,
    );
  }
  return { ok: true, value };
}

/** Padding optional; with it, whole 4-character groups. A group of a single character is never valid. */
function isBase64(value: string): boolean {
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const body = value.slice(0, value.length - padding);
  if (!BASE64_ALPHABET.test(body)) return false;
  return padding === 0 ? body.length % 4 !== 1 : value.length % 4 === 0;
}

function checkStruct(param: string, value: unknown): Check<Record<string, unknown> | undefined> {
  if (isAbsent(value)) return { ok: true, value: undefined };
  if (!isRecord(value)) return invalidValue(param, PROTO.struct, value);
  return { ok: true, value };
}

/**
 * Every function response must answer an earlier, still unanswered call: by `id` when it carries one, else by
 * name (to-hub.ts pairs them the same way). Google refuses a response without its call turn; relaying one would
 * make the hub hold a tool result that no other format accepts either.
 */
function checkFunctionResponsesPaired(contents: GeminiContent[]): Check<null> {
  const ledger = new ToolCallLedger();
  const open = new Set<string>();
  for (const [i, content] of contents.entries()) {
    for (const [j, part] of content.parts.entries()) {
      if (part.functionCall) open.add(ledger.call(part.functionCall, i));
      if (!part.functionResponse) continue;
      const id = ledger.answer(part.functionResponse);
      if (!open.delete(id)) {
        return fail(
          'Please ensure that function response turn comes immediately after a function call turn.',
          `contents[${i}].parts[${j}].functionResponse`,
        );
      }
    }
  }
  return { ok: true, value: null };
}

function checkSystemInstruction(system: unknown): Check<{ parts: GeminiPart[] }> {
  if (!isRecord(system)) return invalidValue('systemInstruction', PROTO.content, system);
  const parts = checkParts('systemInstruction.parts', system.parts);
  if (!parts.ok) return parts;
  return { ok: true, value: { parts: parts.value } };
}

function checkTools(tools: unknown): Check<GeminiTool[]> {
  if (!Array.isArray(tools)) return invalidValue('tools', PROTO.tool, tools);
  const out: GeminiTool[] = [];
  for (const [i, tool] of tools.entries()) {
    const param = `tools[${i}]`;
    if (!isRecord(tool)) return invalidValue(param, PROTO.tool, tool);
    const declarations = tool.functionDeclarations;
    if (isAbsent(declarations)) {
      // googleSearch, codeExecution, urlContext, ...: valid, not translatable (dropped in to-hub).
      out.push({});
      continue;
    }
    if (!Array.isArray(declarations)) {
      return invalidValue(`${param}.functionDeclarations`, PROTO.functionDeclaration, declarations);
    }
    const checked: GeminiFunctionDeclaration[] = [];
    for (const [j, declaration] of declarations.entries()) {
      const result = checkDeclaration(`${param}.functionDeclarations[${j}]`, declaration);
      if (!result.ok) return result;
      checked.push(result.value);
    }
    out.push({ functionDeclarations: checked });
  }
  return { ok: true, value: out };
}

function checkDeclaration(param: string, declaration: unknown): Check<GeminiFunctionDeclaration> {
  if (!isRecord(declaration)) return invalidValue(param, PROTO.functionDeclaration, declaration);
  const name = declaration.name;
  if (!isAbsent(name) && typeof name !== 'string') {
    return invalidValue(`${param}.name`, 'TYPE_STRING', name);
  }
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    return semantic(
      `${param}.name`,
      'Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), ' +
        'underscores (_), dots (.) or dashes (-), with a maximum length of 64.',
    );
  }
  const description = checkOptionalString(`${param}.description`, declaration.description);
  if (!description.ok) return description;
  const out: GeminiFunctionDeclaration = { name };
  if (description.value !== undefined) out.description = description.value;
  if (!isAbsent(declaration.parameters)) {
    if (!isRecord(declaration.parameters)) {
      return invalidValue(`${param}.parameters`, PROTO.schema, declaration.parameters);
    }
    out.parameters = declaration.parameters;
  }
  if (!isAbsent(declaration.parametersJsonSchema)) {
    if (out.parameters !== undefined) {
      return semantic(
        `${param}.parametersJsonSchema`,
        'parameters and parameters_json_schema cannot both be set',
      );
    }
    out.parametersJsonSchema = declaration.parametersJsonSchema;
  }
  return { ok: true, value: out };
}

/**
 * Enum values are read case-insensitively: Google's JSON layer takes the proto names, and the docs' REST
 * samples also write them in lower case (`"thinkingLevel": "low"`).
 */
function checkEnum<T extends string>(
  param: string,
  type: string,
  allowed: readonly T[],
  value: unknown,
): Check<T | undefined> {
  if (isAbsent(value)) return { ok: true, value: undefined };
  const found =
    typeof value === 'string' ? allowed.find((name) => name === value.toUpperCase()) : undefined;
  if (found === undefined) return invalidValue(param, type, value);
  return { ok: true, value: found };
}

function checkToolConfig(toolConfig: unknown): Check<GeminiToolConfig> {
  if (!isRecord(toolConfig)) return invalidValue('toolConfig', PROTO.toolConfig, toolConfig);
  const calling = toolConfig.functionCallingConfig;
  if (isAbsent(calling)) return { ok: true, value: {} };
  const param = 'toolConfig.functionCallingConfig';
  if (!isRecord(calling)) return invalidValue(param, PROTO.callingConfig, calling);
  const mode = checkEnum<GeminiCallingMode>(
    `${param}.mode`,
    PROTO.callingMode,
    GEMINI_CALLING_MODES,
    calling.mode,
  );
  if (!mode.ok) return mode;
  const names = checkStringList(`${param}.allowedFunctionNames`, calling.allowedFunctionNames);
  if (!names.ok) return names;
  return {
    ok: true,
    value: {
      functionCallingConfig: {
        ...(mode.value === undefined ? {} : { mode: mode.value }),
        ...(names.value === undefined ? {} : { allowedFunctionNames: names.value }),
      },
    },
  };
}

function checkStringList(param: string, value: unknown): Check<string[] | undefined> {
  if (isAbsent(value)) return { ok: true, value: undefined };
  if (!Array.isArray(value)) return invalidValue(param, 'TYPE_STRING', value);
  const out: string[] = [];
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string') return invalidValue(`${param}[${i}]`, 'TYPE_STRING', item);
    out.push(item);
  }
  return { ok: true, value: out };
}

function checkNumber(param: string, value: unknown, integer: boolean): Check<number | undefined> {
  if (isAbsent(value)) return { ok: true, value: undefined };
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value));
  if (!ok) return invalidValue(param, integer ? 'TYPE_INT32' : 'TYPE_FLOAT', value);
  return { ok: true, value };
}

function checkGenerationConfig(config: unknown): Check<GeminiGenerationConfig> {
  const param = 'generationConfig';
  if (!isRecord(config)) return invalidValue(param, PROTO.generationConfig, config);
  const out: GeminiGenerationConfig = {};

  for (const [field, integer] of [
    ['maxOutputTokens', true],
    ['temperature', false],
    ['topP', false],
    ['topK', true],
    ['candidateCount', true],
  ] as const) {
    const value = checkNumber(`${param}.${field}`, config[field], integer);
    if (!value.ok) return value;
    if (value.value !== undefined) out[field] = value.value;
  }

  const stop = checkStringList(`${param}.stopSequences`, config.stopSequences);
  if (!stop.ok) return stop;
  if (stop.value !== undefined) out.stopSequences = stop.value;

  const mimeType = checkOptionalString(`${param}.responseMimeType`, config.responseMimeType);
  if (!mimeType.ok) return mimeType;
  if (mimeType.value !== undefined) out.responseMimeType = mimeType.value;

  if (!isAbsent(config.responseSchema)) {
    if (!isRecord(config.responseSchema)) {
      return invalidValue(`${param}.responseSchema`, PROTO.schema, config.responseSchema);
    }
    out.responseSchema = config.responseSchema;
  }
  if (!isAbsent(config.responseJsonSchema)) out.responseJsonSchema = config.responseJsonSchema;

  if (!isAbsent(config.thinkingConfig)) {
    const thinking = checkThinkingConfig(`${param}.thinkingConfig`, config.thinkingConfig);
    if (!thinking.ok) return thinking;
    out.thinkingConfig = thinking.value;
  }
  return { ok: true, value: out };
}

function checkThinkingConfig(param: string, thinking: unknown): Check<GeminiThinkingConfig> {
  if (!isRecord(thinking)) return invalidValue(param, PROTO.thinkingConfig, thinking);
  const out: GeminiThinkingConfig = {};
  const budget = checkNumber(`${param}.thinkingBudget`, thinking.thinkingBudget, true);
  if (!budget.ok) return budget;
  if (budget.value !== undefined) out.thinkingBudget = budget.value;
  if (!isAbsent(thinking.includeThoughts)) {
    if (typeof thinking.includeThoughts !== 'boolean') {
      return invalidValue(`${param}.includeThoughts`, 'TYPE_BOOL', thinking.includeThoughts);
    }
    out.includeThoughts = thinking.includeThoughts;
  }
  const level = checkEnum<GeminiThinkingLevel>(
    `${param}.thinkingLevel`,
    PROTO.thinkingLevel,
    GEMINI_THINKING_LEVELS,
    thinking.thinkingLevel,
  );
  if (!level.ok) return level;
  if (level.value !== undefined) out.thinkingLevel = level.value;
  return { ok: true, value: out };
}
