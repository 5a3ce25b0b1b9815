// What a route's variant (a `model_mapping` entry with overrides, or a standard suffix the channel switched on)
// and the channel's body override do to one upstream request. The overrides apply to the hub request
// (libs/protocols applyOverrides), so a variant works from any client format to any channel type; a request of
// the channel's own format then goes through the hub too, since its body can only be changed in the one form
// every format has. Pure.
import { BodyOverride, ModelOverrides } from '@relaymesh/contracts';
import { RequestOverrides, STANDARD_SUFFIX_RULES, mergeOverrides } from '@relaymesh/protocols';
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
