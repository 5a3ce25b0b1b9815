// Typed views of the Gemini API (v1beta `generateContent` / `streamGenerateContent`) wire format, the parts this
// adapter reads and writes. Field names are the REST (camelCase) spelling; the API also accepts snake_case, which
// the SDKs never send and this adapter does not read. A validated client request keeps only these fields: what
// they cannot hold is listed at the top of to-hub.ts.

export const GEMINI_ROLES = ['user', 'model'] as const;
export type GeminiRole = (typeof GEMINI_ROLES)[number];

/** Bytes inline, base64-encoded. */
export interface GeminiBlob {
  mimeType: string;
  data: string;
}

/** A file by URI (Files API upload, Cloud Storage, or a public URL). */
export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  /** Set by newer models and by clients that pair calls and results themselves; usually absent. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

/** Multimodal content of a function response (Gemini 3). */
export interface GeminiFunctionResponsePart {
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** Any JSON object; by Gemini's convention `output` holds the result and `error` a failure. */
  response?: Record<string, unknown>;
  parts?: GeminiFunctionResponsePart[];
}

/**
 * One part: exactly one of the data fields (`text`, `inlineData`, `fileData`, `functionCall`,
 * `functionResponse`, and the code-execution ones this adapter does not translate), plus `thought` (the text is
 * a thought summary) and `thoughtSignature` (opaque, to be sent back on the same part).
 */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
}

export interface GeminiContent {
  role?: GeminiRole;
  parts: GeminiPart[];
}

/** OpenAPI-subset schema of `parameters` / `responseSchema` (`type: "OBJECT"`, `nullable`, ...). */
export type GeminiSchema = Record<string, unknown>;

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
  /** Plain JSON Schema, the alternative to `parameters`. */
  parametersJsonSchema?: unknown;
}

/** Only function declarations are modelled; other tool kinds (googleSearch, codeExecution, ...) are dropped. */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  /** Grounding with Google Search, run by Gemini itself. */
  googleSearch?: Record<string, never>;
}

export const GEMINI_CALLING_MODES = [
  'MODE_UNSPECIFIED',
  'AUTO',
  'ANY',
  'NONE',
  'VALIDATED',
] as const;
export type GeminiCallingMode = (typeof GEMINI_CALLING_MODES)[number];

export interface GeminiToolConfig {
  functionCallingConfig?: { mode?: GeminiCallingMode; allowedFunctionNames?: string[] };
}

export const GEMINI_THINKING_LEVELS = [
  'THINKING_LEVEL_UNSPECIFIED',
  'MINIMAL',
  'LOW',
  'MEDIUM',
  'HIGH',
] as const;
export type GeminiThinkingLevel = (typeof GEMINI_THINKING_LEVELS)[number];

export interface GeminiThinkingConfig {
  /** Tokens; 0 turns thinking off, -1 lets the model decide. */
  thinkingBudget?: number;
  includeThoughts?: boolean;
  /** Gemini 3's alternative to a budget. */
  thinkingLevel?: GeminiThinkingLevel;
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  candidateCount?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  responseJsonSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
}

/** The request body (the model is in the URL). */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

/** Why a candidate ended (`STOP`, `MAX_TOKENS`, `SAFETY`, ...): a string, as newer models add values. */
export type GeminiFinishReason = string;

export interface GeminiUsageMetadata {
  /** Every prompt token, cached ones included. */
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  /** Prompt tokens of built-in tools' results (e.g. search); not part of `promptTokenCount`. */
  toolUsePromptTokenCount?: number;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: GeminiFinishReason;
  index?: number;
}

/** A response, and each chunk of a stream (which carries the same shape, partial). */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
