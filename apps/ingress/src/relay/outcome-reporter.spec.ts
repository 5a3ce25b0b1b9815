import { MAX_OUTCOMES_PER_MESSAGE, UpstreamOutcome } from '@relaymesh/contracts';
import { OutcomeBatch } from './outcome-reporter';

const outcome = (over: Partial<UpstreamOutcome> = {}): UpstreamOutcome => ({
  channel_id: 'ch-1',
  model: 'gpt-5-mini',
  status: 200,
  error_class: 'none',
  latency_ms: 12,
  message: null,
  at: '2026-12-07T00:00:00.000Z',
  ...over,
});

describe('OutcomeBatch', () => {
  let sent: UpstreamOutcome[][];
  let batch: OutcomeBatch;

  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    batch = new OutcomeBatch((outcomes) => sent.push(outcomes));
  });

  afterEach(() => jest.useRealTimers());

  it('should send the successes of 20 ms in one message, on one timer', () => {
    for (let i = 0; i < 30; i++) batch.add(outcome({ latency_ms: i }));
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(19);
    expect(sent).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(sent).toHaveLength(1);
    expect(sent[0].map((o) => o.latency_ms)).toEqual([...Array(30).keys()]);
  });

  it('should send a failure at the end of the turn, with the successes that waited', () => {
    batch.add(outcome());
    batch.add(outcome({ error_class: 'server', status: 500, message: 'boom' }));
    expect(sent).toHaveLength(0);
    jest.runOnlyPendingTimers();
    expect(sent).toHaveLength(1);
    expect(sent[0].map((o) => o.error_class)).toEqual(['none', 'server']);
    // Nothing left for the batch timer to send.
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
  });

  it('should send a full batch at once and start a new one', () => {
    for (let i = 0; i < MAX_OUTCOMES_PER_MESSAGE + 1; i++) batch.add(outcome());
    expect(sent.map((s) => s.length)).toEqual([MAX_OUTCOMES_PER_MESSAGE]);
    jest.advanceTimersByTime(20);
    expect(sent.map((s) => s.length)).toEqual([MAX_OUTCOMES_PER_MESSAGE, 1]);
  });

  it('should send each outcome at once while tracing (its span belongs to its attempt)', () => {
    const traced = new OutcomeBatch(
      (outcomes) => sent.push(outcomes),
      () => true,
    );
    traced.add(outcome());
    traced.add(outcome());
    expect(sent).toEqual([[outcome()], [outcome()]]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('should send what waits on flush (shutdown) and nothing when empty', () => {
    batch.add(outcome());
    batch.flush();
    batch.flush();
    expect(sent).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
