import type { HubMessage, HubRequest } from './hub.types';

/**
 * A hub request with every optional setting left unset: what a request the gateway makes itself (a health
 * probe, a test) starts from, so a field added to the hub gets its default in one place.
 */
export function hubRequest(
  model: string,
  messages: HubMessage[],
  settings: Partial<HubRequest> = {},
): HubRequest {
  return {
    model,
    system: null,
    messages,
    tools: [],
    toolChoice: null,
    maxTokens: null,
    temperature: null,
    topP: null,
    topK: null,
    stop: [],
    stream: false,
    reasoning: null,
    responseFormat: null,
    parallelToolCalls: null,
    user: null,
    ...settings,
  };
}
