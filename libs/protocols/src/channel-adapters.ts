// Which wire format each channel type speaks upstream: used by ingress to call a channel and by the
// health-prober to probe one. `mock` channels answer locally (null here: no upstream wire format).
import type { ChannelType } from '@relaymesh/contracts';
import { anthropicMessages } from './anthropic-messages/anthropic-messages.adapter';
import { gemini } from './gemini/gemini.adapter';
import type { ProtocolAdapter } from './hub/protocol-adapter';
import { openAIChat } from './openai-chat/openai-chat.adapter';

export function adapterForChannel(type: ChannelType): ProtocolAdapter | null {
  switch (type) {
    case 'openai':
    case 'openai-compatible':
      return openAIChat;
    case 'anthropic':
      return anthropicMessages;
    case 'gemini':
      return gemini;
    case 'mock':
      return null;
  }
}
