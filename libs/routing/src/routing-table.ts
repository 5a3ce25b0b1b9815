// The routing index built once per snapshot: group -> model -> priority tiers, highest first, so that a pick only
// walks the channels of one tier (plus lower tiers when the upper ones are excluded). Building is O(channels x
// models); the router rebuilds on every snapshot, ingress on every snapshot it receives.
import {
  ModelMappingEntry,
  ModelOverrides,
  mappedModel,
  mappedOverrides,
} from '@relaymesh/contracts';
import { providerPrefixes, qualifiedModelId } from './model-id';
import type { RoutableChannel } from './routable-channel';

/** One channel serving one public model in one group: what a pick returns. */
export interface Route<C extends RoutableChannel> {
  readonly channel: C;
  /** The public model name the channel serves (for a `provider/name` id, the `name`). */
  readonly model: string;
  /** The name sent upstream: `model_mapping[model]`, or `model` itself. */
  readonly upstreamModel: string;
  /** What the public name changes in the request (a variant), or null: the request goes as asked. */
  readonly variant: RouteVariant | null;
}

/**
 * A variant: the overrides of the model's mapping entry and the suffix it was served under (of the channel's
 * `variant_suffixes`); what they mean for a request is the data plane's (libs/protocols request-overrides).
 */
export interface RouteVariant {
  readonly overrides: ModelOverrides | null;
  readonly suffix: string | null;
}

/**
 * The channels of one group and model that share a priority, in snapshot order: those in rotation, and those
 * plus the ejected ones (out for transient faults, not for a bad key or by hand), which the panic threshold may
 * still use.
 */
export interface Tier<C extends RoutableChannel> {
  readonly priority: number;
  /** In rotation (status `enabled`). */
  readonly routes: readonly Route<C>[];
  /** `routes` plus the ejected channels, in snapshot order. */
  readonly withEjected: readonly Route<C>[];
  /**
   * Fewer than half of the tier's channels are in rotation (Envoy's panic threshold at 50%): too many were
   * ejected for the rest to be trusted with all the traffic, so picks spread across `withEjected`.
   */
  readonly panic: boolean;
}

/** How a channel takes part in routing. */
export type Rotation = 'in' | 'ejected' | 'out';

export function rotationOf(channel: RoutableChannel): Rotation {
  if (channel.status === 'enabled') return 'in';
  return channel.status === 'auto_disabled' && channel.ejected === true ? 'ejected' : 'out';
}

/** `known: false`: the model is not in the catalogue at all (404); known with no usable tier is a 503. */
export type TierLookup<C extends RoutableChannel> =
  { known: false } | { known: true; tiers: readonly Tier<C>[] };

const NO_TIERS: readonly never[] = [];

/** One index over one kind of model id: the public names, or the `provider/name` spellings of them. */
class ModelIndex<C extends RoutableChannel> {
  /** Every id served by any channel, whatever its group or status (decides 404 vs 503). */
  readonly catalogue = new Set<string>();
  /** group -> id -> tiers; channels in rotation and ejected ones only. */
  private readonly tiersByGroup = new Map<string, Map<string, Tier<C>[]>>();
  private readonly pending = new Map<string, Map<string, Route<C>[]>>();

  add(id: string, groups: ReadonlySet<string>, route: Route<C>, rotation: Rotation): void {
    this.catalogue.add(id);
    if (rotation === 'out') return;
    for (const group of groups) {
      let byId = this.pending.get(group);
      if (byId === undefined) this.pending.set(group, (byId = new Map<string, Route<C>[]>()));
      let routes = byId.get(id);
      if (routes === undefined) byId.set(id, (routes = []));
      routes.push(route);
    }
  }

  /** Turns the collected routes into priority tiers; call once, after the last `add`. */
  seal(): this {
    for (const [group, byId] of this.pending) {
      const tiersById = new Map<string, Tier<C>[]>();
      for (const [id, routes] of byId) tiersById.set(id, toTiers(routes));
      this.tiersByGroup.set(group, tiersById);
    }
    this.pending.clear();
    return this;
  }

  tiers(group: string, id: string): readonly Tier<C>[] {
    return this.tiersByGroup.get(group)?.get(id) ?? NO_TIERS;
  }
}

function toTiers<C extends RoutableChannel>(routes: Route<C>[]): Tier<C>[] {
  // Array.prototype.sort is stable, so channels keep their snapshot order inside a tier and a seeded pick
  // is reproducible.
  const sorted = [...routes].sort((a, b) => b.channel.priority - a.channel.priority);
  const groups: { priority: number; routes: Route<C>[] }[] = [];
  for (const route of sorted) {
    const last = groups.at(-1);
    if (last !== undefined && last.priority === route.channel.priority) last.routes.push(route);
    else groups.push({ priority: route.channel.priority, routes: [route] });
  }
  return groups.map(({ priority, routes: all }) => {
    const inRotation = all.filter((route) => rotationOf(route.channel) === 'in');
    return {
      priority,
      routes: inRotation,
      withEjected: all,
      panic: inRotation.length * 2 < all.length,
    };
  });
}

/** One public name a channel serves, with what it sends upstream. */
interface ServedModel {
  model: string;
  upstreamModel: string;
  variant: RouteVariant | null;
}

/**
 * The public model names a channel serves: its `models` and the keys of its `model_mapping`, once each, then
 * each of those with each of its `variant_suffixes` (a name the channel serves explicitly keeps its own entry).
 */
function servedModels(channel: RoutableChannel): ServedModel[] {
  const served = new Map<string, ServedModel>();
  for (const model of new Set([...channel.models, ...Object.keys(channel.model_mapping)])) {
    const entry = mappingOf(channel, model);
    const overrides = entry === null ? null : mappedOverrides(entry);
    served.set(model, {
      model,
      upstreamModel: entry === null ? model : mappedModel(entry),
      variant: overrides === null ? null : { overrides, suffix: null },
    });
  }
  const bases = [...served.values()];
  for (const suffix of channel.variant_suffixes ?? []) {
    for (const base of bases) {
      const model = `${base.model}${suffix}`;
      if (served.has(model)) continue;
      served.set(model, {
        model,
        upstreamModel: base.upstreamModel,
        variant: { overrides: base.variant?.overrides ?? null, suffix },
      });
    }
  }
  return [...served.values()];
}

function mappingOf(channel: RoutableChannel, model: string): ModelMappingEntry | null {
  // Own keys only: a public model called `constructor` must not pick up Object.prototype.constructor.
  return Object.hasOwn(channel.model_mapping, model) ? channel.model_mapping[model] : null;
}

export class RoutingTable<C extends RoutableChannel> {
  private constructor(
    private readonly byId: ReadonlyMap<string, C>,
    /** Keyed by public model name. */
    private readonly direct: ModelIndex<C>,
    /** Keyed by `<provider prefix>/<public model name>`; consulted only for ids `direct` does not know. */
    private readonly qualified: ModelIndex<C>,
    private readonly sortedModelsByGroup: ReadonlyMap<string, readonly string[]>,
    private readonly sortedModels: readonly string[],
  ) {}

  static build<C extends RoutableChannel>(channels: readonly C[]): RoutingTable<C> {
    const byId = new Map<string, C>();
    const direct = new ModelIndex<C>();
    const qualified = new ModelIndex<C>();
    const modelsByGroup = new Map<string, Set<string>>();

    for (const channel of channels) {
      byId.set(channel.id, channel);
      const rotation = rotationOf(channel);
      const groups = new Set(channel.groups);
      const prefixes = providerPrefixes(channel);
      for (const { model, upstreamModel, variant } of servedModels(channel)) {
        const route: Route<C> = { channel, model, upstreamModel, variant };
        direct.add(model, groups, route, rotation);
        for (const prefix of prefixes) {
          qualified.add(qualifiedModelId(prefix, model), groups, route, rotation);
        }
        for (const group of groups) {
          let models = modelsByGroup.get(group);
          if (models === undefined) modelsByGroup.set(group, (models = new Set()));
          models.add(model);
        }
      }
    }

    const sortedModelsByGroup = new Map<string, readonly string[]>();
    for (const [group, models] of modelsByGroup) sortedModelsByGroup.set(group, [...models].sort());
    return new RoutingTable(
      byId,
      direct.seal(),
      qualified.seal(),
      sortedModelsByGroup,
      [...direct.catalogue].sort(),
    );
  }

  /** Whether any channel, in any group and any status, serves `model` (bare or `provider/name`). */
  hasModel(model: string): boolean {
    return this.indexFor(model) !== null;
  }

  /**
   * Public model names served in `group` (or in any group), sorted by code point for a stable listing.
   * Channels of every status count, like `hasModel`: a model whose channels are all ejected for a minute stays
   * listed (and answers 503), rather than flickering in and out of `GET /v1/models`.
   */
  models(group?: string): string[] {
    const models = group === undefined ? this.sortedModels : this.sortedModelsByGroup.get(group);
    return models === undefined ? [] : [...models];
  }

  channel(id: string): C | undefined {
    return this.byId.get(id);
  }

  /** The priority tiers (highest first) that serve `model` in `group`; used by `selectChannel`. */
  tiers(group: string, model: string): TierLookup<C> {
    const index = this.indexFor(model);
    return index === null ? { known: false } : { known: true, tiers: index.tiers(group, model) };
  }

  /** Model id resolution: the id as given first, then as `provider/name` if no channel serves it as given. */
  private indexFor(model: string): ModelIndex<C> | null {
    if (this.direct.catalogue.has(model)) return this.direct;
    if (this.qualified.catalogue.has(model)) return this.qualified;
    return null;
  }
}
