// A channel as the prober knows it from the routing snapshot, its keys and secret headers opened.
import { ChannelStatus, ChannelType, ModelMappingEntry } from '@relaymesh/contracts';

export interface KnownChannel {
  id: string;
  name: string;
  type: ChannelType;
  base_url: string | null;
  keys: string[];
  models: string[];
  model_mapping: Record<string, ModelMappingEntry>;
  /** Routing's view of it, for the count of routable channels per model (relaymesh_health_model_channels). */
  groups: string[];
  priority: number;
  weight: number;
  /** Plain and secret headers, opened. */
  headers: Record<string, string>;
  /** What upstream text from this channel must not echo (keys, secret header values): redacted from it. */
  secrets: string[];
  timeout_ms: number;
  status: ChannelStatus;
}
