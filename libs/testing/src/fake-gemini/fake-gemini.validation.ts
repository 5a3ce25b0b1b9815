// Request validation with the Gemini API's rules and error texts, so a request our gateway translates badly
// into Gemini's format is rejected here exactly as Google would reject it: unknown fields (Google parses JSON
// strictly against the proto), roles other than user/model, empty parts, nameless function responses.
// Google accepts snake_case and camelCase field names alike; the validated body uses camelCase throughout.
import {
  fieldViolation,
  invalidArgument,
  invalidPayload,
  invalidRole,
  unknownField,
  type GeminiApiError,
} from './fake-gemini.errors';
import type { GeminiContent, GeminiPart, GeminiRequestBody } from './fake-gemini.types';

type Json = Record<string, unknown>;

const REQUEST_FIELDS = [
  'model',
  'contents',
  'tools',
  'toolConfig',
  'safetySettings',
  'systemInstruction',
  'generationConfig',
  'cachedContent',
];
const CONTENT_FIELDS = ['role', 'parts'];
/** The members of the part's `data` oneof: exactly one must be set. */
const PART_DATA_FIELDS = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
];
const PART_FIELDS = [
  ...PART_DATA_FIELDS,
  'thought',
  'thoughtSignature',
  'videoMetadata',
  'partMetadata',
  'mediaResolution',
];
const EMBED_FIELDS = ['model', 'content', 'taskType', 'title', 'outputDimensionality'];
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

export interface EmbedRequest {
  text: string;
  outputDimensionality: number | undefined;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The object with camelCase keys, rejecting any key that is not a field of the message at `at`. */
function normalizeFields(record: Json, fields: readonly string[], at: string | null): Json {
  const normalized: Json = {};
  for (const [key, value] of Object.entries(record)) {
    const name = camel(key);
    if (!fields.includes(name)) throw unknownField(key, at);
    normalized[name] = value;
  }
  return normalized;
}

function invalidValue(at: string, value: unknown): GeminiApiError {
  return invalidPayload(`Invalid value at '${at}', ${JSON.stringify(value)}`);
}

function checkName(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw fieldViolation(field, 'Name cannot be empty.');
  }
}

function checkPart(part: unknown, at: string, field: string): GeminiPart {
  if (!isRecord(part)) throw invalidValue(at, part);
  const normalized = normalizeFields(part, PART_FIELDS, at);
  const data = PART_DATA_FIELDS.filter((name) => normalized[name] !== undefined);
  if (data.length === 0) {
    throw fieldViolation(
      `${field}.data`,
      "required oneof field 'data' must have one initialized field",
    );
  }
  if (data.length > 1) {
    throw invalidPayload(`Oneof field 'data' is already set. Cannot set '${data[1]}'`);
  }
  if (normalized.text !== undefined && typeof normalized.text !== 'string') {
    throw invalidValue(`${at}.text`, normalized.text);
  }
  for (const member of ['functionCall', 'functionResponse'] as const) {
    const call = normalized[member];
    if (call === undefined) continue;
    if (!isRecord(call)) throw invalidValue(`${at}.${member}`, call);
    checkName(call.name, `${field}.${snake(member)}.name`);
  }
  return normalized;
}

function checkParts(parts: unknown, at: string, field: string): GeminiPart[] {
  if (parts === undefined || (Array.isArray(parts) && parts.length === 0)) {
    throw fieldViolation(`${field}.parts`, 'contents.parts must not be empty.');
  }
  if (!Array.isArray(parts)) throw invalidValue(`${at}.parts`, parts);
  return parts.map((part: unknown, j) =>
    checkPart(part, `${at}.parts[${j}]`, `${field}.parts[${j}]`),
  );
}

function checkContent(
  content: unknown,
  at: string,
  field: string,
  checkRole: boolean,
): GeminiContent {
  if (!isRecord(content)) throw invalidValue(at, content);
  const normalized = normalizeFields(content, CONTENT_FIELDS, at);
  const role = normalized.role;
  if (checkRole && role !== undefined && role !== 'user' && role !== 'model') throw invalidRole();
  return { ...normalized, parts: checkParts(normalized.parts, at, field) };
}

function checkTools(tools: unknown, label: string): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) throw invalidValue('tools', tools);
  tools.forEach((tool: unknown, i) => {
    if (!isRecord(tool)) throw invalidValue(`tools[${i}]`, tool);
    const declarations = tool.functionDeclarations ?? tool.function_declarations;
    if (declarations === undefined) return;
    if (!Array.isArray(declarations)) {
      throw invalidValue(`tools[${i}].function_declarations`, declarations);
    }
    declarations.forEach((declaration: unknown, k) => {
      const name = isRecord(declaration) ? declaration.name : undefined;
      if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
        throw fieldViolation(
          `${label}.tools[${i}].function_declarations[${k}].name`,
          'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or ' +
            'contains underscores, dots, colons and dashes, with a maximum length of 64.',
        );
      }
    });
  });
}

/**
 * Validates a `generateContent` / `streamGenerateContent` body (or the `generateContentRequest` inside a
 * `countTokens` body, with that request's `label`); throws a GeminiApiError carrying the API's 400.
 */
export function validateGenerateRequest(
  body: unknown,
  label = 'GenerateContentRequest',
): GeminiRequestBody {
  if (!isRecord(body)) throw invalidPayload('Expected an object.');
  const record = normalizeFields(body, REQUEST_FIELDS, null);
  const contents = record.contents;
  if (contents === undefined || (Array.isArray(contents) && contents.length === 0)) {
    throw fieldViolation(`${label}.contents`, 'contents is not specified');
  }
  if (!Array.isArray(contents)) throw invalidValue('contents', contents);
  const checked = contents.map((content: unknown, i) =>
    checkContent(content, `contents[${i}]`, `${label}.contents[${i}]`, true),
  );
  const system = record.systemInstruction;
  const systemInstruction =
    system === undefined
      ? undefined
      : checkContent(system, 'system_instruction', `${label}.system_instruction`, false);
  checkTools(record.tools, label);
  if (record.generationConfig !== undefined && !isRecord(record.generationConfig)) {
    throw invalidValue('generation_config', record.generationConfig);
  }
  return {
    ...record,
    contents: checked,
    ...(systemInstruction ? { systemInstruction } : {}),
  };
}

/** A `countTokens` body holds either `contents` or a whole `generateContentRequest`. */
export function validateCountTokensRequest(body: unknown): GeminiRequestBody {
  if (!isRecord(body)) throw invalidPayload('Expected an object.');
  const record = normalizeFields(body, ['contents', 'generateContentRequest'], null);
  if (record.generateContentRequest !== undefined) {
    return validateGenerateRequest(
      record.generateContentRequest,
      'CountTokensRequest.generate_content_request',
    );
  }
  return validateGenerateRequest({ contents: record.contents }, 'CountTokensRequest');
}

/** Validates an `embedContent` body (or one request of `batchEmbedContents`). */
export function validateEmbedRequest(body: unknown, label = 'EmbedContentRequest'): EmbedRequest {
  if (!isRecord(body)) throw invalidPayload('Expected an object.');
  const record = normalizeFields(body, EMBED_FIELDS, null);
  if (record.content === undefined) {
    throw fieldViolation(`${label}.content`, 'content is not specified');
  }
  const content = checkContent(record.content, 'content', `${label}.content`, false);
  const dimensions = record.outputDimensionality;
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1)) {
    throw fieldViolation(
      `${label}.output_dimensionality`,
      'Output dimensionality must be positive.',
    );
  }
  const text = content.parts
    .map((part) => part.text)
    .filter((piece): piece is string => typeof piece === 'string')
    .join(' ');
  return { text, outputDimensionality: dimensions as number | undefined };
}

/** Validates a `batchEmbedContents` body: `{ requests: [embedContent bodies] }`. */
export function validateBatchEmbedRequest(body: unknown): EmbedRequest[] {
  if (!isRecord(body)) throw invalidPayload('Expected an object.');
  const record = normalizeFields(body, ['requests'], null);
  const requests = record.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw fieldViolation('BatchEmbedContentsRequest.requests', 'requests is not specified');
  }
  return requests.map((request: unknown, i) =>
    validateEmbedRequest(request, `BatchEmbedContentsRequest.requests[${i}]`),
  );
}

/** Google's documented stand-ins for a signature Gemini did not produce; the API accepts them. */
const PLACEHOLDER_SIGNATURES = [
  'skip_thought_signature_validator',
  'context_engineering_is_the_way_to_go',
];

/** Gemini 3 and later require the signature of each function call step of the current turn. */
function requiresCallSignatures(model: string): boolean {
  const version = /gemini-(\d+)/.exec(model);
  return version !== null && Number(version[1]) >= 3;
}

/**
 * The API's check of thought signatures sent back: any signature must be one it issued (or a placeholder),
 * else "Corrupted thought signature."; for Gemini 3, the first function call of each model step of the
 * current turn (after the last user text) must carry one.
 */
export function checkThoughtSignatures(
  request: GeminiRequestBody,
  model: string,
  issued: (signature: string) => boolean,
): void {
  for (const content of request.contents) {
    for (const part of content.parts) {
      const signature = part.thoughtSignature;
      if (typeof signature !== 'string' || PLACEHOLDER_SIGNATURES.includes(signature)) continue;
      if (!issued(signature)) throw invalidArgument('Corrupted thought signature.');
    }
  }
  if (!requiresCallSignatures(model)) return;
  const turnStart = request.contents.findLastIndex(
    (c) => c.role !== 'model' && c.parts.some((p) => p.text !== undefined),
  );
  request.contents.forEach((content, i) => {
    if (i <= turnStart || content.role !== 'model') return;
    const call = content.parts.find((p) => p.functionCall !== undefined);
    if (call !== undefined && call.thoughtSignature === undefined) {
      throw invalidArgument(
        'Function call is missing a thought_signature in functionCall parts. This is required for tools ' +
          'to work correctly, and missing thought_signature may lead to degraded model performance. ' +
          `Additional data, function call \`default_api:${call.functionCall!.name}\` , position ${i + 1}. ` +
          'Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
      );
    }
  });
}
