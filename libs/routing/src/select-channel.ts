// Picks the channel for one upstream attempt: group -> model -> highest priority tier with a usable channel ->
// weighted random within that tier. Randomness comes in as a function so tests replay exact sequences.
import type { RoutableChannel } from './routable-channel';
import type { Route, RoutingTable, Tier } from './routing-table';

export type Selection<C> =
  | { ok: true; channel: C; model: string; upstreamModel: string }
  | { ok: false; reason: 'unknown_model' | 'no_channel' };

export interface SelectionRequest {
  group: string;
  /** As the client sent it: bare or `provider/name`. */
  model: string;
  /** Channel ids already tried for this request (retries go elsewhere first). */
  exclude?: ReadonlySet<string>;
}

/**
 * `unknown_model` when no channel anywhere serves the model (HTTP 404); `no_channel` when some does but none is
 * enabled, in the group and not excluded (HTTP 503). `random` returns a number in [0, 1) and is called exactly
 * once per successful pick.
 */
export function selectChannel<C extends RoutableChannel>(
  table: RoutingTable<C>,
  req: SelectionRequest,
  random: () => number,
): Selection<C> {
  const lookup = table.tiers(req.group, req.model);
  if (!lookup.known) return { ok: false, reason: 'unknown_model' };
  for (const tier of lookup.tiers) {
    const route = pickInTier(tier, req.exclude, random);
    if (route !== undefined) {
      return {
        ok: true,
        channel: route.channel,
        model: route.model,
        upstreamModel: route.upstreamModel,
      };
    }
  }
  return { ok: false, reason: 'no_channel' };
}

/**
 * Weighted pick among the tier's non-excluded routes. Weight-0 channels are standbys: they take traffic only
 * when every candidate in the tier weighs 0, and then uniformly. Two passes over the tier, no allocation.
 */
function pickInTier<C extends RoutableChannel>(
  tier: Tier<C>,
  exclude: ReadonlySet<string> | undefined,
  random: () => number,
): Route<C> | undefined {
  const usable = (route: Route<C>): boolean =>
    exclude === undefined || !exclude.has(route.channel.id);
  let count = 0;
  let totalWeight = 0;
  for (const route of tier.routes) {
    if (!usable(route)) continue;
    count += 1;
    totalWeight += positiveWeight(route);
  }
  if (count === 0) return undefined;

  if (totalWeight === 0) {
    let nth = Math.min(Math.floor(random() * count), count - 1);
    for (const route of tier.routes) {
      if (!usable(route)) continue;
      if (nth === 0) return route;
      nth -= 1;
    }
    return undefined;
  }

  let point = random() * totalWeight;
  let last: Route<C> | undefined;
  for (const route of tier.routes) {
    const weight = positiveWeight(route);
    if (weight === 0 || !usable(route)) continue;
    if (point < weight) return route;
    point -= weight;
    last = route;
  }
  // Only reachable through floating-point rounding with random() just below 1.
  return last;
}

function positiveWeight(route: Route<RoutableChannel>): number {
  const { weight } = route.channel;
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}
