import { RoutableChannel } from '@relaymesh/routing';
import { modelChannelCounts } from './model-channels';

function channel(overrides: Partial<RoutableChannel>): RoutableChannel {
  return {
    id: 'c',
    name: 'c',
    type: 'openai',
    models: ['m'],
    model_mapping: {},
    groups: ['default'],
    priority: 0,
    weight: 1,
    status: 'enabled',
    ...overrides,
  };
}

function count(
  counts: ReturnType<typeof modelChannelCounts>,
  group: string,
  model: string,
  rotation: string,
): number | undefined {
  return counts.find((c) => c.group === group && c.model === model && c.rotation === rotation)
    ?.channels;
}

describe('modelChannelCounts', () => {
  it('should count channels per group and model by rotation, zeros included', () => {
    const counts = modelChannelCounts([
      channel({ id: 'a' }),
      channel({ id: 'b', status: 'auto_disabled', ejected: true }),
      channel({ id: 'c', status: 'auto_disabled', ejected: false }),
      channel({ id: 'd', status: 'manually_disabled' }),
    ]);
    expect(count(counts, 'default', 'm', 'in')).toBe(1);
    expect(count(counts, 'default', 'm', 'ejected')).toBe(1);
    expect(count(counts, 'default', 'm', 'out')).toBe(2);
    expect(counts).toHaveLength(3);
  });

  it('should count mapped public names and every group once per channel', () => {
    const counts = modelChannelCounts([
      channel({
        models: ['m'],
        model_mapping: { fast: 'm' },
        groups: ['default', 'vip', 'vip'],
      }),
    ]);
    for (const group of ['default', 'vip']) {
      expect(count(counts, group, 'm', 'in')).toBe(1);
      expect(count(counts, group, 'fast', 'in')).toBe(1);
    }
  });

  it('should report a model whose only channel is disabled as none in rotation', () => {
    const counts = modelChannelCounts([channel({ status: 'manually_disabled' })]);
    expect(count(counts, 'default', 'm', 'in')).toBe(0);
    expect(count(counts, 'default', 'm', 'ejected')).toBe(0);
  });

  it('should report nothing for no channels', () => {
    expect(modelChannelCounts([])).toEqual([]);
  });
});
