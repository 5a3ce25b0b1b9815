import { ChannelHealth, UNKNOWN_HEALTH, UpstreamOutcome } from '@relaymesh/contracts';
import { foldOutcome } from './fold-outcome';

const outcome = (over: Partial<UpstreamOutcome>): UpstreamOutcome => ({
  channel_id: 'c1',
  model: 'gpt-5-mini',
  status: 200,
  error_class: 'none',
  latency_ms: 100,
  message: null,
  at: '2026-11-23T10:00:00.000Z',
  ...over,
});

describe('foldOutcome', () => {
  it.each<[string, ChannelHealth, UpstreamOutcome, Partial<ChannelHealth>]>([
    [
      'a first success makes it healthy with that latency',
      UNKNOWN_HEALTH,
      outcome({}),
      { state: 'healthy', latency_ms: 100, consecutive_failures: 0 },
    ],
    [
      'a 5xx counts a failure and keeps the message',
      UNKNOWN_HEALTH,
      outcome({ status: 500, error_class: 'server', message: 'boom' }),
      { state: 'degraded', consecutive_failures: 1, last_error: 'boom' },
    ],
    [
      'a timeout without message describes itself',
      { ...UNKNOWN_HEALTH, consecutive_failures: 2 },
      outcome({ status: 504, error_class: 'timeout' }),
      { consecutive_failures: 3, last_error: 'timeout (status 504)' },
    ],
    [
      'a success resets the failure count',
      { ...UNKNOWN_HEALTH, state: 'degraded', consecutive_failures: 4 },
      outcome({}),
      { state: 'healthy', consecutive_failures: 0 },
    ],
    [
      'latency is smoothed',
      { ...UNKNOWN_HEALTH, latency_ms: 100 },
      outcome({ latency_ms: 200 }),
      { latency_ms: 120 },
    ],
    [
      "the caller's 400 does not count",
      { ...UNKNOWN_HEALTH, state: 'healthy' },
      outcome({ status: 400, error_class: 'client' }),
      { state: 'healthy', consecutive_failures: 0 },
    ],
    [
      'a 429 does not count',
      { ...UNKNOWN_HEALTH, state: 'healthy' },
      outcome({ status: 429, error_class: 'rate_limited' }),
      { state: 'healthy', consecutive_failures: 0 },
    ],
  ])('%s', (_, before, event, expected) => {
    const after = foldOutcome(before, event);
    expect(after).toMatchObject(expected);
    expect(after.last_checked_at).toBe(event.at);
  });
});
