// Which wire format each channel type speaks upstream. `mock` channels answer locally and are not served here
// yet (they come with the mock/probe work), so they are skipped by routing rather than failed.
import { ChannelType } from '@relaymesh/contracts';
import { ProtocolAdapter, anthropicMessages, gemini, openAIChat } from '@relaymesh/protocols';

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
