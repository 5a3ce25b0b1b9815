// The cheapest real request a channel answers: one user word, max_tokens 1, its own key and its mapped model,
// in the channel's own wire format (the same adapters ingress calls it with). Pure, unit-tested.
import { mappedModel } from '@relaymesh/contracts';
import { adapterForChannel, hubRequest } from '@relaymesh/protocols';
import { KnownChannel } from '../channels/known-channel';

/** Marks probe requests, so upstream logs (and the e2e fakes) can tell them from user traffic. */
export const PROBE_HEADER = 'x-relaymesh-probe';

export interface ProbeRequest {
  origin: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  /** The upstream model asked for. */
  model: string;
}

/** The model a probe asks for: the channel's first model, through its mapping. */
export function probeModel(channel: Pick<KnownChannel, 'models' | 'model_mapping'>): string | null {
  const publicModel = channel.models[0];
  if (publicModel !== undefined) {
    const entry = channel.model_mapping[publicModel];
    return entry === undefined ? publicModel : mappedModel(entry);
  }
  const first = Object.values(channel.model_mapping)[0];
  return first === undefined ? null : mappedModel(first);
}

/** Null for a channel that cannot be probed upstream (`mock`, no base URL or no model). */
export function buildProbeRequest(channel: KnownChannel, key: string): ProbeRequest | null {
  const adapter = adapterForChannel(channel.type);
  const model = probeModel(channel);
  if (!adapter || !channel.base_url || model === null) return null;
  const hub = hubRequest(model, [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }], {
    maxTokens: 1,
  });
  const built = adapter.upstream.buildRequest(hub, model);
  return {
    origin: channel.base_url,
    path: built.path,
    body: built.body,
    headers: {
      ...channel.headers,
      ...built.headers,
      'content-type': 'application/json',
      accept: 'application/json',
      [PROBE_HEADER]: '1',
      ...adapter.upstream.authHeaders(key),
    },
    model,
  };
}
