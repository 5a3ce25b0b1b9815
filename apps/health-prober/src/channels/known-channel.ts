// A channel as the prober knows it from the routing snapshot, its keys opened.
import { ChannelStatus, ChannelType } from '@relaymesh/contracts';

export interface KnownChannel {
  id: string;
  name: string;
  type: ChannelType;
  base_url: string | null;
  keys: string[];
  models: string[];
  model_mapping: Record<string, string>;
  headers: Record<string, string>;
  timeout_ms: number;
  status: ChannelStatus;
}
