import { describe, expect, it } from '@jest/globals';
import { requestStory } from './request-story';
import type { UsageAttempt, UsageRecord } from './types';

const record = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  request_id: 'req-1',
  key_id: 'key-1',
  channel_id: 'ch-2',
  model: 'fast',
  format: 'openai',
  route: 'chat_completions',
  stream: false,
  input_tokens: 10,
  output_tokens: 5,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cost_usd: 0.001,
  status: 200,
  latency_ms: 20,
  ttft_ms: null,
  created_at: '2026-12-07T05:00:00.000Z',
  ...over,
});

const attempt = (over: Partial<UsageAttempt>): UsageAttempt => ({
  channel_id: 'ch-1',
  model: 'fast',
  upstream_model: null,
  status: 200,
  error_class: 'none',
  started_ms: 0,
  duration_ms: 5,
  ...over,
});

describe('requestStory', () => {
  it('should tell a request served at once', () => {
    expect(requestStory(record({ attempts: 1, attempt_log: [attempt({})] }))).toEqual({
      attempts: 1,
      failovers: 0,
      fallbackFrom: null,
      finalModel: 'fast',
      detailMissing: false,
    });
  });

  it('should count the failovers of a request served by its second channel', () => {
    const story = requestStory(
      record({
        attempts: 2,
        attempt_log: [
          attempt({ status: 500, error_class: 'server' }),
          attempt({ channel_id: 'ch-2' }),
        ],
      }),
    );
    expect(story).toMatchObject({ attempts: 2, failovers: 1, fallbackFrom: null });
  });

  it('should name the model a fallback replaced', () => {
    const story = requestStory(
      record({
        model: 'cheap',
        attempts: 2,
        attempt_log: [attempt({ status: 503, error_class: 'server' }), attempt({ model: 'cheap' })],
      }),
    );
    expect(story).toMatchObject({ fallbackFrom: 'fast', finalModel: 'cheap' });
  });

  it('should say when a record has the count of its attempts but not their detail', () => {
    expect(requestStory(record({ attempts: 2 }))).toMatchObject({
      attempts: 2,
      failovers: 1,
      detailMissing: true,
    });
    // Refused before any upstream was tried: nothing is missing.
    expect(requestStory(record({ attempts: 0, status: 402 }))).toMatchObject({
      attempts: 0,
      failovers: 0,
      detailMissing: false,
    });
  });
});
