// Responses tools other formats have no form for, as hub functions and back. Codex groups some of its
// functions in `namespace` tools (`multi_agent_v1`) and calls them by `name` plus `namespace`; it declares
// free-form `custom` tools (`apply_patch` with a grammar) called with one string `input`. Providers see plain
// functions: `<namespace>__<name>` (within the 64 characters OpenAI and Gemini allow for a function name), and
// a function of one string argument `input`. The way back goes by the request's tools (`HubTool.origin`), never
// by parsing names: a plain function may itself be called `mcp__server__tool`.
import { createHash } from 'node:crypto';
import type { HubTool } from '../hub/hub.types';

/** The shortest limit on a function name among the upstream formats (OpenAI, Gemini; Anthropic allows 128). */
const MAX_TOOL_NAME = 64;
const HASH_CHARS = 8;

/** `<namespace>__<name>`, characters outside `[a-zA-Z0-9_-]` as `_`, cut with a hash of the whole if long. */
export function flatToolName(namespace: string, name: string): string {
  const joined = `${namespace}__${name}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (joined.length <= MAX_TOOL_NAME) return joined;
  const hash = createHash('sha256')
    .update(`${namespace}\n${name}`)
    .digest('hex')
    .slice(0, HASH_CHARS);
  return `${joined.slice(0, MAX_TOOL_NAME - HASH_CHARS - 1)}_${hash}`;
}

/** A free-form tool's one argument. */
export const FREEFORM_PARAMETERS: Record<string, unknown> = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw input to the tool.' } },
  required: ['input'],
  additionalProperties: false,
};

/** The tool's description, with the grammar its input must follow when it has one (providers get no grammar). */
export function freeformDescription(description: string | null, format: unknown): string | null {
  if (typeof format !== 'object' || format === null) return description;
  const { type, syntax, definition } = format as Record<string, unknown>;
  if (type !== 'grammar' || typeof definition !== 'string') return description;
  const grammar = `The input must follow this ${typeof syntax === 'string' ? syntax : ''} grammar:\n${definition}`;
  return description === null || description === '' ? grammar : `${description}\n\n${grammar}`;
}

/** How the client calls a hub tool call: the function (in its namespace) or the custom tool it declared. */
export type ClientToolCall =
  | { type: 'function_call'; name: string; namespace: string | null; arguments: string }
  | { type: 'custom_tool_call'; name: string; namespace: string | null; input: string };

export function clientToolCall(
  name: string,
  args: string,
  tools: readonly HubTool[] | undefined,
): ClientToolCall {
  const origin = tools?.find((t) => t.name === name)?.origin;
  if (origin === undefined) {
    return { type: 'function_call', name, namespace: null, arguments: args };
  }
  if (!origin.freeform) {
    return {
      type: 'function_call',
      name: origin.name,
      namespace: origin.namespace,
      arguments: args,
    };
  }
  return {
    type: 'custom_tool_call',
    name: origin.name,
    namespace: origin.namespace,
    input: freeformInput(args),
  };
}

/** The `input` argument of a free-form call; the arguments as given when a model sent something else. */
function freeformInput(args: string): string {
  try {
    const value: unknown = JSON.parse(args);
    if (typeof value === 'object' && value !== null && 'input' in value) {
      const input = value.input;
      return typeof input === 'string' ? input : JSON.stringify(input);
    }
  } catch {
    // not JSON: the text itself
  }
  return args;
}
