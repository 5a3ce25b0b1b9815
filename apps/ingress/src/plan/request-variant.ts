// What a route's variant (a `model_mapping` entry with overrides, or a standard suffix the channel switched on)
// and the channel's body override do to one upstream request. The overrides apply to the hub request
// (libs/protocols applyOverrides), so a variant works from any client format to any channel type. A request of
// the channel's own format stays a pass-through (unknown fields, `cache_control`, server tools intact): only the
// fields the overrides decide are taken from the same request translated with them (graftVariantFields), so
// what thinking, effort, output cap and temperature mean in each format is written in one place, the adapters.
// Pure.
import { BodyOverride, ModelOverrides } from '@relaymesh/contracts';
import {
  ProtocolAdapter,
  RequestOverrides,
  STANDARD_SUFFIX_RULES,
  mergeOverrides,
} from '@relaymesh/protocols';
import { RouteVariant } from '@relaymesh/routing';

/** The admin API's snake_case overrides as the hub's. */
export function requestOverridesOf(wire: ModelOverrides): RequestOverrides {
  const { thinking } = wire;
  return {
    ...(thinking !== undefined && {
      thinking: thinking.enabled
        ? {
            enabled: true as const,
            ...(thinking.budget_tokens !== undefined && { budgetTokens: thinking.budget_tokens }),
          }
        : { enabled: false as const },
    }),
    ...(wire.reasoning_effort !== undefined && { reasoningEffort: wire.reasoning_effort }),
    ...(wire.max_tokens !== undefined && { maxTokens: wire.max_tokens }),
    ...(wire.temperature !== undefined && { temperature: wire.temperature }),
    ...(wire.extra_body !== undefined && { extraFields: wire.extra_body }),
  };
}

/**
 * The overrides a variant stands for: the suffix's standard rule, then the mapping entry's (the operator's own
 * entry wins field by field). Null for a route that changes nothing.
 */
export function variantOverrides(variant: RouteVariant | null): RequestOverrides | null {
  if (variant === null) return null;
  const rule = STANDARD_SUFFIX_RULES.find((r) => r.suffix === variant.suffix);
  const parts = [
    ...(rule ? [rule.overrides] : []),
    ...(variant.overrides ? [requestOverridesOf(variant.overrides)] : []),
  ];
  return parts.length === 0 ? null : parts.reduce(mergeOverrides, {});
}

/** Whether overrides change the request itself (not only add body fields, which any body can take). */
export function changesRequest(overrides: RequestOverrides): boolean {
  return (
    overrides.thinking !== undefined ||
    overrides.reasoningEffort !== undefined ||
    overrides.maxTokens !== undefined ||
    overrides.temperature !== undefined
  );
}

/**
 * The upstream body with the variant's extra fields and the channel's `body_override` applied (the channel's
 * `set` last, then its `remove`); the body as it is when there is nothing to change, so that the common request
 * is not parsed again.
 */
export function patchBody(
  body: string,
  extraFields: Record<string, unknown> | undefined,
  override: BodyOverride,
): string {
  // The common request (no variant, no override) allocates nothing here: this runs on every attempt.
  if (extraFields === undefined && override.set === undefined && override.remove === undefined) {
    return body;
  }
  const set = { ...extraFields, ...override.set };
  const remove = override.remove ?? [];
  if (Object.keys(set).length === 0 && remove.length === 0) return body;
  const parsed = JSON.parse(body) as Record<string, unknown>;
  const patched: Record<string, unknown> = { ...parsed, ...set };
  for (const field of remove) delete patched[field];
  return JSON.stringify(patched);
}

type FieldPath = readonly string[];

/** What each kind of override decides in each format's body (a translation writes or leaves out these). */
interface VariantFields {
  /** Thinking and effort; Anthropic's sampling settings too, which the API refuses with thinking on. */
  reasoning: readonly FieldPath[];
  maxTokens: readonly FieldPath[];
  temperature: readonly FieldPath[];
}

const VARIANT_FIELDS: Record<ProtocolAdapter['format'], VariantFields> = {
  'anthropic-messages': {
    reasoning: [['thinking'], ['temperature'], ['top_p'], ['top_k']],
    maxTokens: [['max_tokens']],
    temperature: [['temperature']],
  },
  'openai-chat': {
    reasoning: [['reasoning_effort']],
    maxTokens: [['max_completion_tokens'], ['max_tokens']],
    temperature: [['temperature']],
  },
  'openai-responses': {
    reasoning: [['reasoning']],
    maxTokens: [['max_output_tokens']],
    temperature: [['temperature']],
  },
  gemini: {
    reasoning: [['generationConfig', 'thinkingConfig']],
    maxTokens: [['generationConfig', 'maxOutputTokens']],
    temperature: [['generationConfig', 'temperature']],
  },
};

/**
 * A pass-through body (JSON) with the fields the overrides decide taken from `translated`, the same request
 * translated into the same format with the overrides applied: set where the translation has them, removed
 * where it leaves them out. Everything else stays as the client sent it.
 */
export function graftVariantFields(
  format: ProtocolAdapter['format'],
  overrides: RequestOverrides,
  passThrough: string,
  translated: string,
): string {
  const fields = VARIANT_FIELDS[format];
  const paths = [
    ...(overrides.thinking !== undefined || overrides.reasoningEffort !== undefined
      ? fields.reasoning
      : []),
    ...(overrides.maxTokens !== undefined ? fields.maxTokens : []),
    ...(overrides.temperature !== undefined ? fields.temperature : []),
  ];
  const body = JSON.parse(passThrough) as Record<string, unknown>;
  const source = JSON.parse(translated) as Record<string, unknown>;
  for (const path of paths) setAt(body, path, valueAt(source, path));
  return JSON.stringify(body);
}

function valueAt(object: Record<string, unknown>, path: FieldPath): unknown {
  let at: unknown = object;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Sets (or, for undefined, removes) the value at `path`, making the objects on the way where missing. */
function setAt(object: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let at = object;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      if (value === undefined) return;
      at[key] = {};
    } else {
      at[key] = { ...(next as Record<string, unknown>) };
    }
    at = at[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
}
