import { ResponsePins } from './response-pins';

describe('ResponsePins', () => {
  const limits = { maxIds: 3, retentionMs: 1000 };

  it('should pin a request to the channel that stored any id it names', () => {
    const pins = new ResponsePins(limits);
    pins.remember(['resp_1', 'msg_1'], 'ch-a', 0);
    pins.remember(['resp_2'], 'ch-b', 0);
    expect(pins.channelFor(['msg_1'], 10)).toBe('ch-a');
    expect(pins.channelFor(['unknown', 'resp_2'], 10)).toBe('ch-b');
    expect(pins.channelFor(['unknown'], 10)).toBeNull();
    expect(pins.channelFor([], 10)).toBeNull();
  });

  it('should forget an id once its retention has passed', () => {
    const pins = new ResponsePins(limits);
    pins.remember(['resp_1'], 'ch-a', 0);
    expect(pins.channelFor(['resp_1'], 999)).toBe('ch-a');
    expect(pins.channelFor(['resp_1'], 1000)).toBeNull();
    expect(pins.size).toBe(0);
  });

  it('should hold no more ids than its bound, forgetting the oldest first', () => {
    const pins = new ResponsePins(limits);
    pins.remember(['a', 'b'], 'ch-a', 0);
    pins.remember(['c', 'd'], 'ch-b', 1);
    expect(pins.size).toBe(3);
    expect(pins.channelFor(['a'], 2)).toBeNull();
    expect(pins.channelFor(['b'], 2)).toBe('ch-a');
    expect(pins.channelFor(['d'], 2)).toBe('ch-b');
  });
});
