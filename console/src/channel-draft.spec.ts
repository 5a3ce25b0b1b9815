import { describe, expect, it } from '@jest/globals';
import { bodyOf, draftOf, responsesSummary } from './channel-draft';
import type { Channel } from './types';

const channel: Channel = {
  id: 'c1',
  name: 'compat',
  type: 'openai-compatible',
  base_url: 'http://127.0.0.1:9',
  keys: ['sk-…abcd'],
  models: ['m'],
  model_mapping: { 'm-think': { model: 'm', overrides: { reasoning_effort: 'high' } } },
  variant_suffixes: ['-high'],
  body_override: { set: { top_k: 3 } },
  groups: ['default'],
  priority: 0,
  weight: 1,
  enabled: true,
  timeout_ms: 300000,
  responses_api: true,
  hosted_tools: 'refuse',
  status: 'enabled',
  health: {
    state: 'healthy',
    last_error: null,
    last_checked_at: null,
    consecutive_failures: 0,
    latency_ms: null,
    reason: null,
  },
};

describe('bodyOf', () => {
  it('should send a new channel whole, with the Responses fields and the JSON fields parsed', () => {
    const draft = {
      ...draftOf(null),
      name: 'n',
      type: 'openai-compatible',
      responses_api: true,
      hosted_tools: 'refuse',
      variant_suffixes: '-thinking, -max',
      model_mapping: '{"a": {"model": "b", "overrides": {"max_tokens": 5}}}',
      body_override: '',
    };
    const made = bodyOf(draft, null);
    expect(made).toMatchObject({
      ok: true,
      body: {
        responses_api: true,
        hosted_tools: 'refuse',
        variant_suffixes: ['-thinking', '-max'],
        model_mapping: { a: { model: 'b', overrides: { max_tokens: 5 } } },
        body_override: {},
      },
    });
  });

  it('should name each field whose text is not JSON instead of sending anything', () => {
    const draft = { ...draftOf(null), model_mapping: '{"a": ', body_override: 'set: x' };
    expect(bodyOf(draft, null)).toEqual({
      ok: false,
      fields: { model_mapping: 'is not valid JSON', body_override: 'is not valid JSON' },
    });
  });

  it('should patch only what changed, the new fields included', () => {
    const untouched = bodyOf(draftOf(channel), channel);
    expect(untouched).toEqual({ ok: true, body: {} });
    const draft = { ...draftOf(channel), responses_api: false, hosted_tools: 'drop' };
    expect(bodyOf(draft, channel)).toEqual({
      ok: true,
      body: { responses_api: false, hosted_tools: 'drop' },
    });
  });
});

describe('responsesSummary', () => {
  it('should say native for channels that speak Responses, else the hosted tools policy', () => {
    expect(responsesSummary({ type: 'openai', responses_api: false, hosted_tools: 'drop' })).toBe(
      'Responses: native',
    );
    expect(responsesSummary(channel)).toBe('Responses: native');
    expect(responsesSummary({ ...channel, responses_api: false })).toBe(
      'Responses: translated, hosted tools refuse',
    );
  });
});
