// The part of a channel that routing reads. The routing snapshot's `SnapshotChannel` (and the router's own rows)
// satisfy it structurally, so the selector hands back the caller's own channel type with nothing copied.
import type { ChannelStatus, ChannelType, ModelMappingEntry } from '@relaymesh/contracts';

export interface RoutableChannel {
  id: string;
  name: string;
  type: ChannelType;
  /** Public model names served as they are. */
  models: string[];
  /** `{public: upstream}` or `{public: {model: upstream, overrides}}`; a key is served too, under the upstream name. */
  model_mapping: Record<string, ModelMappingEntry>;
  /** Suffixes that serve every model of the channel as `<model><suffix>` too (variants); none when absent. */
  variant_suffixes?: readonly string[];
  groups: string[];
  /** Higher is tried first. */
  priority: number;
  /** Share of traffic within its priority tier. */
  weight: number;
  status: ChannelStatus;
  /** Auto-disabled for transient faults only: the panic threshold may still route to it. */
  ejected?: boolean;
  /** Share of `weight` taken (below 1 while ramping back in after an ejection); 1 when absent. */
  weight_factor?: number;
}
