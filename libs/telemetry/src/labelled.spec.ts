import { Counter, Histogram, Registry } from 'prom-client';
import { labelledChildren } from './labelled';

describe('labelledChildren', () => {
  const registry = new Registry();
  const requests = new Counter({
    name: 'test_requests_total',
    help: 'test',
    labelNames: ['route', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'test_duration_seconds',
    help: 'test',
    labelNames: ['route'] as const,
    buckets: [0.1, 1],
    registers: [registry],
  });

  it('should count into the same series as the labelled call would', async () => {
    const requestsBy = labelledChildren((...values) => requests.labels(...values));
    requestsBy('chat', '200').inc();
    requestsBy('chat', '200').inc();
    requestsBy('chat', '500').inc();
    requests.inc({ route: 'chat', code: '200' });
    const values = (await requests.get()).values.map((v) => [v.labels, v.value]);
    expect(values).toEqual([
      [{ route: 'chat', code: '200' }, 3],
      [{ route: 'chat', code: '500' }, 1],
    ]);
  });

  it('should look a combination up once and hand back the same child', () => {
    const labels = jest.fn((...values: string[]) => duration.labels(...values));
    const durationBy = labelledChildren(labels);
    const first = durationBy('chat');
    durationBy('chat').observe(0.5);
    expect(durationBy('chat')).toBe(first);
    durationBy('messages');
    expect(labels).toHaveBeenCalledTimes(2);
  });

  it('should keep apart combinations whose values run together', () => {
    const by = labelledChildren((...values: string[]) => values.join('|'));
    expect(by('ab', 'c')).toBe('ab|c');
    expect(by('a', 'bc')).toBe('a|bc');
  });
});
