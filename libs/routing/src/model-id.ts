// `provider/name` model ids (CONTRACT §1: `openai/gpt-5-mini` resolves as well as `gpt-5-mini`). The provider part
// names either an upstream type or one channel by name; this file says which channels answer to which prefix.
import type { ChannelType } from '@relaymesh/contracts';
import type { RoutableChannel } from './routable-channel';

/**
 * Provider prefixes each channel type answers to. A `Record` over the type union, so adding a channel type
 * fails to compile until it is given its prefixes here. `openai/...` means OpenAI's own models, as on
 * OpenRouter, so it does not match OpenAI-compatible servers (name such a channel `deepseek` and ask for
 * `deepseek/...`); `google/...` is OpenRouter's spelling of Gemini models.
 */
const PROVIDER_PREFIXES: Record<ChannelType, readonly string[]> = {
  openai: ['openai'],
  'openai-compatible': ['openai-compatible'],
  anthropic: ['anthropic'],
  gemini: ['gemini', 'google'],
  mock: ['mock'],
};

/** Every prefix under which `channel` serves a model as `<prefix>/<model>`: its type's, then its own name. */
export function providerPrefixes(channel: Pick<RoutableChannel, 'type' | 'name'>): Set<string> {
  return new Set([...PROVIDER_PREFIXES[channel.type], channel.name]);
}

/** `<prefix>/<model>` as the routing table indexes it. */
export function qualifiedModelId(prefix: string, model: string): string {
  return `${prefix}/${model}`;
}
