// What both OpenAI formats (Chat Completions and Responses) read the same way on their way to the hub: image
// URLs, the reasoning effort, and the error for an upstream answer that is not one.
import { isAbsent } from '../json';
import type { HubImageSource, HubReasoning } from '../hub/hub.types';
import { invalid, readEnum, reject } from './checks';

/** `data:` URLs carry the image itself (base64); http(s) URLs are passed on for the upstream to fetch. */
export function imageSource(url: string, param: string): HubImageSource {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { kind: 'base64', mediaType: data[1], data: data[2] };
  if (/^https?:\/\//i.test(url)) return { kind: 'url', url };
  return reject(
    invalid(
      `Invalid '${param}'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), or an http(s) URL.`,
      param,
      'invalid_value',
    ),
  );
}

const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/** OpenAI's reasoning effort (Chat `reasoning_effort`, Responses `reasoning.effort`) to the hub's. */
export function readEffort(value: unknown, param: string): HubReasoning | null {
  if (isAbsent(value)) return null;
  const effort = readEnum(value, param, EFFORTS);
  if (effort === 'none') return null;
  return { effort: effort === 'xhigh' ? 'high' : effort, budgetTokens: null };
}

/**
 * An upstream answer (HTTP 200) that cannot become a hub response: not the shape of one, or a Responses
 * `response` whose status is `failed`. Ingress treats it like any other upstream failure.
 */
export class UpstreamResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamResponseError';
  }
}
