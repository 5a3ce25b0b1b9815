// A channel as ingress holds it after opening a snapshot, for unit tests of the plans: enabled, in rotation, one
// key, one model `m`, no mapping, variants or overrides, with whatever a test changes.
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';

export const ingressChannel = (
  type: IngressChannel['type'],
  over: Partial<IngressChannel> = {},
): IngressChannel => ({
  id: `ch-${type}`,
  name: type,
  type,
  base_url: 'http://127.0.0.1:1',
  keys: ['k0'],
  models: ['m'],
  model_mapping: {},
  variant_suffixes: [],
  body_override: {},
  groups: ['default'],
  priority: 0,
  weight: 1,
  status: 'enabled',
  ejected: false,
  weight_factor: 1,
  latency_ms: null,
  timeout_ms: 1000,
  headers: {},
  secrets: [],
  ...over,
});
