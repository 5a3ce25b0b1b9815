// Test helpers for the routing specs: a channel factory with neutral defaults and a seeded PRNG, so weight
// distribution tests replay the same sequence on every run.
import type { RoutableChannel } from '../routable-channel';

export function channel(id: string, overrides: Partial<RoutableChannel> = {}): RoutableChannel {
  return {
    id,
    name: id,
    type: 'openai',
    models: [],
    model_mapping: {},
    groups: ['default'],
    priority: 0,
    weight: 1,
    status: 'enabled',
    ...overrides,
  };
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG; returns numbers in [0, 1) like Math.random. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Replays `values` in order and fails the test if the selector asks for more than were scripted. */
export function scriptedRandom(...values: number[]): () => number {
  let next = 0;
  return () => {
    if (next >= values.length) {
      throw new Error(`random() called ${next + 1} times, scripted ${values.length}`);
    }
    return values[next++];
  };
}
