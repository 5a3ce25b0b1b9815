// What both OpenAI formats (Chat Completions and Responses) write the same way from the hub: the reasoning effort
// and image URLs.
import type { HubPart, HubReasoning } from '../hub/hub.types';

/**
 * OpenAI's effort for the hub's reasoning: the effort itself, else one derived from a token budget
 * (< 2048 low, < 8192 medium, else high). A budget of 0 or less (Gemini's "off" or "dynamic") sends no effort
 * and leaves the model's default, since the lowest effort OpenAI models share (`low`) would still reason.
 */
export function effortFor(reasoning: HubReasoning | null): HubReasoning['effort'] {
  if (reasoning === null) return null;
  if (reasoning.effort !== null) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === null || budget <= 0) return null;
  if (budget < 2048) return 'low';
  if (budget < 8192) return 'medium';
  return 'high';
}

export function imageUrl(part: Extract<HubPart, { type: 'image' }>): string {
  return part.source.kind === 'url'
    ? part.source.url
    : `data:${part.source.mediaType};base64,${part.source.data}`;
}
