// Picks the channel for one upstream attempt: group -> model -> highest priority tier with a usable channel ->
// weighted random within that tier. Randomness comes in as a function so tests replay exact sequences.
import type { RoutableChannel } from './routable-channel';
import type { Route, RouteVariant, RoutingTable, Tier } from './routing-table';

export type Selection<C> =
  | {
      ok: true;
      channel: C;
      model: string;
      upstreamModel: string;
      /** What the public name changes in the request, or null. */
      variant: RouteVariant | null;
      /** The pick spread across ejected channels too (panic threshold); counted by the caller. */
      panic: boolean;
    }
  | { ok: false; reason: 'unknown_model' | 'no_channel' };

export interface SelectionRequest {
  group: string;
  /** As the client sent it: bare or `provider/name`. */
  model: string;
  /** Channel ids already tried for this request (retries go elsewhere first). */
  exclude?: ReadonlySet<string>;
  /**
   * Channel ids to use only when nothing else is left (cooling down after a 429): a soft exclusion, because a
   * request that might succeed on a cooling channel is better than a refusal.
   */
  avoid?: ReadonlySet<string>;
  /** When set, only these channel ids may be picked (a stage of the request's provider preferences). */
  within?: ReadonlySet<string>;
}

/**
 * `unknown_model` when no channel anywhere serves the model (HTTP 404); `no_channel` when some does but none is
 * enabled, in the group and not excluded (HTTP 503). `random` returns a number in [0, 1) and is called exactly
 * once per successful pick.
 *
 * Order of preference: the highest tier that has a channel in rotation (a tier in panic spreads across its
 * ejected channels too); then, when every channel in rotation is excluded, the ejected ones, tier by tier,
 * since they might work (a panic pick). Avoided channels come last of all.
 */
export function selectChannel<C extends RoutableChannel>(
  table: RoutingTable<C>,
  req: SelectionRequest,
  random: () => number,
): Selection<C> {
  const lookup = table.tiers(req.group, req.model);
  if (!lookup.known) return { ok: false, reason: 'unknown_model' };
  const exclude = req.within
    ? outside(lookup.tiers, req.within, req.exclude)
    : (req.exclude ?? NOTHING);
  if (req.avoid !== undefined && req.avoid.size > 0) {
    const both = new Set([...exclude, ...req.avoid]);
    const preferred = pick(lookup.tiers, both, random);
    if (preferred.ok) return preferred;
  }
  return pick(lookup.tiers, exclude, random);
}

const NOTHING: ReadonlySet<string> = new Set();

/** `exclude` plus every channel of the tiers that is not `within`. */
function outside<C extends RoutableChannel>(
  tiers: readonly Tier<C>[],
  within: ReadonlySet<string>,
  exclude: ReadonlySet<string> | undefined,
): ReadonlySet<string> {
  const ids = new Set(exclude);
  for (const tier of tiers) {
    for (const route of tier.withEjected) {
      if (!within.has(route.channel.id)) ids.add(route.channel.id);
    }
  }
  return ids;
}

function pick<C extends RoutableChannel>(
  tiers: readonly Tier<C>[],
  exclude: ReadonlySet<string>,
  random: () => number,
): Selection<C> {
  for (const tier of tiers) {
    if (!tier.routes.some((route) => !exclude.has(route.channel.id))) continue;
    const route = pickInTier(tier.panic ? tier.withEjected : tier.routes, exclude, random);
    if (route !== undefined) return selected(route, tier.panic);
  }
  for (const tier of tiers) {
    if (tier.withEjected.length === tier.routes.length) continue;
    const route = pickInTier(tier.withEjected, exclude, random);
    if (route !== undefined) return selected(route, true);
  }
  return { ok: false, reason: 'no_channel' };
}

function selected<C extends RoutableChannel>(route: Route<C>, panic: boolean): Selection<C> {
  return {
    ok: true,
    channel: route.channel,
    model: route.model,
    upstreamModel: route.upstreamModel,
    variant: route.variant,
    panic,
  };
}

/**
 * Weighted pick among the tier's non-excluded routes. Weight-0 channels are standbys: they take traffic only
 * when every candidate in the tier weighs 0, and then uniformly. Two passes over the tier, no allocation.
 */
function pickInTier<C extends RoutableChannel>(
  routes: readonly Route<C>[],
  exclude: ReadonlySet<string>,
  random: () => number,
): Route<C> | undefined {
  const usable = (route: Route<C>): boolean => !exclude.has(route.channel.id);
  let count = 0;
  let totalWeight = 0;
  for (const route of routes) {
    if (!usable(route)) continue;
    count += 1;
    totalWeight += positiveWeight(route);
  }
  if (count === 0) return undefined;

  if (totalWeight === 0) {
    let nth = Math.min(Math.floor(random() * count), count - 1);
    for (const route of routes) {
      if (!usable(route)) continue;
      if (nth === 0) return route;
      nth -= 1;
    }
    return undefined;
  }

  let point = random() * totalWeight;
  let last: Route<C> | undefined;
  for (const route of routes) {
    const weight = positiveWeight(route);
    if (weight === 0 || !usable(route)) continue;
    if (point < weight) return route;
    point -= weight;
    last = route;
  }
  // Only reachable through floating-point rounding with random() just below 1.
  return last;
}

/** The configured weight, scaled down while the channel ramps back in after an ejection. */
function positiveWeight(route: Route<RoutableChannel>): number {
  const { weight, weight_factor: factor = 1 } = route.channel;
  const effective = weight * (Number.isFinite(factor) ? Math.max(0, factor) : 1);
  return Number.isFinite(effective) && effective > 0 ? effective : 0;
}
