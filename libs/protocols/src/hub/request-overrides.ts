// Model variants: one upstream model sold under several names, each a different request
// (`claude-opus-4-6-thinking`: thinking on; `claude-sonnet-4-6-max`: a larger budget and output). A variant is a
// base model plus overrides applied to the hub request, so it works from any client format to any channel type.
// Pure: the operator's configuration (a mapping entry's overrides, the suffix rules switched on) comes in as
// values; wiring them into channel configuration is the router's.
import type { HubReasoning, HubRequest } from './hub.types';

export interface RequestOverrides {
  /** Thinking on (with a budget, else one for the effort) or off. */
  thinking?: { enabled: true; budgetTokens?: number } | { enabled: false };
  reasoningEffort?: NonNullable<HubReasoning['effort']>;
  maxTokens?: number;
  temperature?: number;
  /** Top-level fields merged into the upstream body as they are (provider-specific settings). */
  extraFields?: Record<string, unknown>;
}

/** A suffix of a public model name that stands for overrides of its base model. */
export interface SuffixRule {
  suffix: string;
  overrides: RequestOverrides;
}

/** The suffixes the seeds' providers sell (`-thinking`, effort levels, `-max`), for an operator to switch on. */
export const STANDARD_SUFFIX_RULES: readonly SuffixRule[] = [
  { suffix: '-thinking', overrides: { thinking: { enabled: true } } },
  { suffix: '-minimal', overrides: { reasoningEffort: 'minimal' } },
  { suffix: '-low', overrides: { reasoningEffort: 'low' } },
  { suffix: '-medium', overrides: { reasoningEffort: 'medium' } },
  { suffix: '-high', overrides: { reasoningEffort: 'high' } },
  {
    suffix: '-max',
    overrides: { thinking: { enabled: true, budgetTokens: 32_000 }, maxTokens: 64_000 },
  },
];

/**
 * The base model and overrides a variant name stands for: suffixes are taken off the end one at a time
 * (`x-thinking-high` is `x` with thinking on at high effort) until `isModel` knows the rest. Null when no rule
 * leads to a known model (the name is then routed as it is).
 */
export function resolveVariant(
  model: string,
  rules: readonly SuffixRule[],
  isModel: (base: string) => boolean,
): { base: string; overrides: RequestOverrides } | null {
  let base = model;
  const applied: RequestOverrides[] = [];
  while (!isModel(base)) {
    const rule = rules
      .filter((r) => base.endsWith(r.suffix) && base.length > r.suffix.length)
      .sort((a, b) => b.suffix.length - a.suffix.length)[0];
    if (rule === undefined) return null;
    base = base.slice(0, -rule.suffix.length);
    applied.unshift(rule.overrides);
  }
  if (applied.length === 0) return null;
  return { base, overrides: applied.reduce(mergeOverrides, {}) };
}

/** `later` wins field by field; extra fields are merged. */
export function mergeOverrides(
  earlier: RequestOverrides,
  later: RequestOverrides,
): RequestOverrides {
  const extraFields =
    earlier.extraFields || later.extraFields
      ? { ...earlier.extraFields, ...later.extraFields }
      : undefined;
  return { ...earlier, ...later, ...(extraFields ? { extraFields } : {}) };
}

/**
 * The request with the overrides applied; they win over what the client asked. Thinking off is a budget of 0
 * (every adapter's "off"); thinking on keeps the client's effort or budget unless the override gives a budget,
 * else asks for medium effort; an effort override replaces the client's budget (the effort stands for one).
 */
export function applyOverrides(request: HubRequest, overrides: RequestOverrides): HubRequest {
  const out: HubRequest = { ...request };
  let reasoning = request.reasoning;
  const thinking = overrides.thinking;
  if (thinking?.enabled === false) {
    reasoning = { effort: null, budgetTokens: 0 };
  } else if (thinking?.enabled === true) {
    const budget = thinking.budgetTokens ?? null;
    const current = reasoning !== null && reasoning.budgetTokens !== 0 ? reasoning : null;
    reasoning =
      budget !== null
        ? { effort: current?.effort ?? null, budgetTokens: budget }
        : (current ?? { effort: 'medium', budgetTokens: null });
  }
  if (overrides.reasoningEffort !== undefined && thinking?.enabled !== false) {
    const budget = thinking?.enabled === true ? (thinking.budgetTokens ?? null) : null;
    reasoning = { effort: overrides.reasoningEffort, budgetTokens: budget };
  }
  out.reasoning = reasoning;
  if (overrides.maxTokens !== undefined) out.maxTokens = overrides.maxTokens;
  if (overrides.temperature !== undefined) out.temperature = overrides.temperature;
  if (overrides.extraFields !== undefined) {
    out.extraFields = { ...request.extraFields, ...overrides.extraFields };
  }
  return out;
}

/** An upstream body with the request's extra fields merged in at the top level (they win). */
export function withExtraFields<T extends object>(body: T, request: HubRequest): T {
  return request.extraFields === undefined ? body : { ...body, ...request.extraFields };
}
