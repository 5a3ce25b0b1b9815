import { ChannelCooldowns, cooldownMs } from './channel-cooldowns';

const NOW = Date.parse('2026-11-23T10:00:00Z');

describe('cooldownMs', () => {
  it.each<[string, Record<string, string>, number, number]>([
    ['Retry-After in seconds', { 'retry-after': '12' }, 1, 12_000],
    [
      'retry-after-ms wins (OpenAI sends both)',
      { 'retry-after-ms': '2500', 'retry-after': '3' },
      1,
      2_500,
    ],
    ['an HTTP date', { 'retry-after': 'Mon, 23 Nov 2026 10:00:20 GMT' }, 1, 20_000],
    ['at least a second', { 'retry-after': '0' }, 1, 1_000],
    ['capped at 5 minutes', { 'retry-after': '86400' }, 1, 300_000],
    ['none: 5 s on the first 429', {}, 1, 5_000],
    ['none: doubling with the streak', {}, 3, 20_000],
    ['none: up to 30 s', {}, 9, 30_000],
    ['garbage reads as none', { 'retry-after': 'soon' }, 2, 10_000],
  ])('%s', (_, headers, streak, expected) => {
    expect(cooldownMs(headers, streak, NOW)).toBe(expected);
  });
});

describe('ChannelCooldowns', () => {
  const a = { id: 'a', name: 'a' };
  const b = { id: 'b', name: 'b' };

  it('cools a channel for its Retry-After, then frees it', () => {
    const cooldowns = new ChannelCooldowns();
    cooldowns.cool(a, { 'retry-after': '10' }, NOW);
    expect([...cooldowns.cooling(NOW + 9_999)]).toEqual(['a']);
    expect([...cooldowns.cooling(NOW + 10_000)]).toEqual([]);
  });

  it('backs off on a streak of 429s without Retry-After, and starts over after a quiet spell', () => {
    const cooldowns = new ChannelCooldowns();
    expect(cooldowns.cool(a, {}, NOW)).toBe(5_000);
    expect(cooldowns.cool(a, {}, NOW + 6_000)).toBe(10_000);
    expect(cooldowns.cool(a, {}, NOW + 17_000)).toBe(20_000);
    expect(cooldowns.cool(a, {}, NOW + 200_000)).toBe(5_000);
  });

  it('tells when the first of some channels is free again, rounded up to whole seconds', () => {
    const cooldowns = new ChannelCooldowns();
    cooldowns.cool(a, { 'retry-after': '10' }, NOW);
    cooldowns.cool(b, { 'retry-after-ms': '3200' }, NOW);
    expect(cooldowns.secondsUntilFree(['a', 'b'], NOW)).toBe(4);
    expect(cooldowns.secondsUntilFree(['c'], NOW)).toBeNull();
  });
});
