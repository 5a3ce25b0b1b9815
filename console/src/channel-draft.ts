// The channel form's draft (what the operator types) and the request body made of it. Pure, unit-tested.
// Validation is the API's: the only check here is that the JSON fields parse, since text that is not JSON
// cannot be sent as an object at all.
import { list } from './format';
import type { Channel } from './types';

export interface Draft {
  name: string;
  type: string;
  base_url: string;
  keys: string;
  models: string;
  groups: string;
  priority: string;
  weight: string;
  timeout_ms: string;
  enabled: boolean;
  responses_api: boolean;
  hosted_tools: string;
  variant_suffixes: string;
  /** JSON: `{public: upstream}` or `{public: {model, overrides}}`. */
  model_mapping: string;
  /** JSON: `{set: {...}, remove: [...]}`, body fields set on or removed from every generation request. */
  body_override: string;
}

/** An object as the text area shows it: empty for `{}`, else indented JSON. */
function jsonText(value: Record<string, unknown> | undefined): string {
  return value && Object.keys(value).length > 0 ? JSON.stringify(value, null, 2) : '';
}

export function draftOf(channel: Channel | null): Draft {
  return {
    name: channel?.name ?? '',
    type: channel?.type ?? 'openai',
    base_url: channel?.base_url ?? '',
    keys: '',
    models: channel?.models.join(', ') ?? '',
    groups: channel?.groups.join(', ') ?? 'default',
    priority: String(channel?.priority ?? 0),
    weight: String(channel?.weight ?? 1),
    timeout_ms: String(channel?.timeout_ms ?? 300000),
    enabled: channel?.enabled ?? true,
    responses_api: channel?.responses_api ?? false,
    hosted_tools: channel?.hosted_tools ?? 'drop',
    variant_suffixes: channel?.variant_suffixes.join(', ') ?? '',
    model_mapping: jsonText(channel?.model_mapping),
    body_override: jsonText(channel?.body_override),
  };
}

export type DraftBody =
  { ok: true; body: Record<string, unknown> } | { ok: false; fields: Record<string, string> };

/**
 * The request body: a new channel whole; an edit only what changed (keys only when new ones are typed). A JSON
 * field that does not parse is a field error instead; empty is `{}`.
 */
export function bodyOf(draft: Draft, channel: Channel | null): DraftBody {
  const fields: Record<string, string> = {};
  const json = (field: 'model_mapping' | 'body_override'): unknown => {
    const text = draft[field].trim();
    if (text === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      fields[field] = 'is not valid JSON';
      return undefined;
    }
  };
  const number = (text: string) =>
    text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text);
  const full: Record<string, unknown> = {
    name: draft.name.trim(),
    type: draft.type,
    base_url: draft.base_url.trim() === '' ? undefined : draft.base_url.trim(),
    keys: list(draft.keys),
    models: list(draft.models),
    model_mapping: json('model_mapping'),
    variant_suffixes: list(draft.variant_suffixes),
    body_override: json('body_override'),
    groups: list(draft.groups),
    priority: number(draft.priority),
    weight: number(draft.weight),
    timeout_ms: number(draft.timeout_ms),
    enabled: draft.enabled,
    responses_api: draft.responses_api,
    hosted_tools: draft.hosted_tools,
  };
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  if (!channel) return { ok: true, body: full };
  const before = bodyOf(draftOf(channel), null);
  const previous = before.ok ? before.body : {};
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(full)) {
    if (field === 'type' || field === 'keys') continue;
    if (JSON.stringify(value) !== JSON.stringify(previous[field])) patch[field] = value;
  }
  if (list(draft.keys).length > 0) patch['keys'] = list(draft.keys);
  return { ok: true, body: patch };
}

/** What the channel list says of a channel's Responses API handling: pass-through or translated, and hosted tools. */
export function responsesSummary(
  channel: Pick<Channel, 'type' | 'responses_api' | 'hosted_tools'>,
): string {
  const passThrough =
    channel.type === 'openai' || (channel.type === 'openai-compatible' && channel.responses_api);
  // A pass-through channel's provider runs the hosted tools itself: the policy never applies there.
  return passThrough
    ? 'Responses: native'
    : `Responses: translated, hosted tools ${channel.hosted_tools}`;
}
