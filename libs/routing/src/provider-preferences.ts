// OpenRouter-style `provider` preferences on a request (CONTRACT §1): which channels may serve it and in what order
// they are tried. Turned into routing *stages*: sets of channel ids tried one after another, each stage picked
// with the usual tiers, weights, health and panic rules. Pure.
import { providerPrefixes } from './model-id';
import type { RoutableChannel } from './routable-channel';

export interface ProviderPreferences {
  /** Providers to try first, in this order (a provider is a channel type, a prefix like `google`, or a channel name). */
  order: readonly string[];
  /** Only these providers may serve the request (empty: any). */
  only: readonly string[];
  /** These providers may not serve it. */
  ignore: readonly string[];
  /** With `order`: whether providers outside it may serve once the ordered ones failed (default true). */
  allowFallbacks: boolean;
  /**
   * `latency` tries channels fastest first (the prober's measured latency). relaymesh prices per model, not
   * per channel, so `price` ranks every channel of a model the same; `throughput` is not measured yet; both
   * keep the normal weighted order.
   */
  sort: 'price' | 'latency' | 'throughput' | null;
}

export const NO_PREFERENCES: ProviderPreferences = {
  order: [],
  only: [],
  ignore: [],
  allowFallbacks: true,
  sort: null,
};

/** Whether a provider name designates this channel (case-insensitive): its type, a prefix of its type, its name. */
export function isProvider(
  channel: Pick<RoutableChannel, 'type' | 'name'>,
  provider: string,
): boolean {
  const wanted = provider.trim().toLowerCase();
  for (const prefix of providerPrefixes(channel)) {
    if (prefix.toLowerCase() === wanted) return true;
  }
  return false;
}

/**
 * The stages for `candidates` (the channels serving the model in the group), or null when preferences change
 * nothing (the common case: one unrestricted stage, no allocation).
 */
export function routingStages<C extends RoutableChannel>(
  candidates: readonly C[],
  prefs: ProviderPreferences,
  latencyOf: (channel: C) => number | null,
): ReadonlySet<string>[] | null {
  const sortByLatency = prefs.sort === 'latency';
  if (
    prefs.order.length === 0 &&
    prefs.only.length === 0 &&
    prefs.ignore.length === 0 &&
    !sortByLatency
  ) {
    return null;
  }
  const allowed = candidates.filter(
    (channel) =>
      (prefs.only.length === 0 || prefs.only.some((p) => isProvider(channel, p))) &&
      !prefs.ignore.some((p) => isProvider(channel, p)),
  );
  const stages: C[][] = [];
  const placed = new Set<string>();
  for (const provider of prefs.order) {
    const stage = allowed.filter((c) => !placed.has(c.id) && isProvider(c, provider));
    if (stage.length === 0) continue;
    stage.forEach((c) => placed.add(c.id));
    stages.push(stage);
  }
  if (prefs.order.length === 0 || prefs.allowFallbacks) {
    const rest = allowed.filter((c) => !placed.has(c.id));
    if (rest.length > 0) stages.push(rest);
  }
  const ordered = sortByLatency ? stages.flatMap((stage) => byLatency(stage, latencyOf)) : stages;
  return ordered.map((stage) => new Set(stage.map((c) => c.id)));
}

/** One stage per channel, fastest first; channels never measured go last, in their original order. */
function byLatency<C>(stage: C[], latencyOf: (channel: C) => number | null): C[][] {
  return stage
    .map((channel, index) => ({ channel, index, latency: latencyOf(channel) }))
    .sort(
      (a, b) =>
        (a.latency ?? Number.POSITIVE_INFINITY) - (b.latency ?? Number.POSITIVE_INFINITY) ||
        a.index - b.index,
    )
    .map(({ channel }) => [channel]);
}
