import { InProcessBroker, NoRespondersError } from './in-process.broker';

/** Resolves once every callback queued with setImmediate so far (and the promises they settle) has run. */
function deliveriesSettled(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** A subscriber that records what it receives. */
function recorder(reply?: (data: unknown) => unknown) {
  const received: unknown[] = [];
  const deliver = (data: unknown): Promise<unknown> => {
    received.push(data);
    return Promise.resolve(reply?.(data));
  };
  return { received, deliver };
}

describe('InProcessBroker', () => {
  let broker: InProcessBroker;

  beforeEach(() => {
    broker = new InProcessBroker();
  });

  describe('publish', () => {
    it('should deliver to every plain subscriber of the subject and to no other subject', async () => {
      const a = recorder();
      const b = recorder();
      const other = recorder();
      broker.subscribe('key.changed.v1', a.deliver);
      broker.subscribe('key.changed.v1', b.deliver);
      broker.subscribe('key.lookup.v1', other.deliver);

      broker.publish('key.changed.v1', { id: 'k1' });
      await deliveriesSettled();

      expect(a.received).toEqual([{ id: 'k1' }]);
      expect(b.received).toEqual([{ id: 'k1' }]);
      expect(other.received).toEqual([]);
    });

    it('should deliver to one member of a queue group per message, in turn', async () => {
      const members = [recorder(), recorder(), recorder()];
      for (const member of members) {
        broker.subscribe('upstream.outcome.v1', member.deliver, 'workers');
      }

      for (let n = 0; n < 6; n++) broker.publish('upstream.outcome.v1', { n });
      await deliveriesSettled();

      expect(members.map((m) => m.received)).toEqual([
        [{ n: 0 }, { n: 3 }],
        [{ n: 1 }, { n: 4 }],
        [{ n: 2 }, { n: 5 }],
      ]);
    });

    it('should deliver to every plain subscriber and one member of each queue group together', async () => {
      const plain = recorder();
      const groupA = [recorder(), recorder()];
      const groupB = [recorder()];
      broker.subscribe('s', plain.deliver);
      for (const m of groupA) broker.subscribe('s', m.deliver, 'a');
      for (const m of groupB) broker.subscribe('s', m.deliver, 'b');

      broker.publish('s', 1);
      broker.publish('s', 2);
      await deliveriesSettled();

      expect(plain.received).toEqual([1, 2]);
      expect(groupA.map((m) => m.received)).toEqual([[1], [2]]);
      expect(groupB[0].received).toEqual([1, 2]);
    });

    it('should deliver asynchronously, after publish has returned', async () => {
      const sub = recorder();
      broker.subscribe('s', sub.deliver);

      broker.publish('s', { n: 1 });

      expect(sub.received).toEqual([]);
      await deliveriesSettled();
      expect(sub.received).toEqual([{ n: 1 }]);
    });

    it('should give each subscriber its own copy, untouched by the sender changing its object', async () => {
      const a = recorder((data) => {
        (data as { tags: string[] }).tags.push('changed by a');
      });
      const b = recorder();
      broker.subscribe('s', a.deliver);
      broker.subscribe('s', b.deliver);
      const sent = { tags: ['original'] };

      broker.publish('s', sent);
      sent.tags.push('changed by the sender');
      await deliveriesSettled();

      expect(b.received).toEqual([{ tags: ['original'] }]);
      expect(a.received[0]).not.toBe(sent);
      expect(sent.tags).toEqual(['original', 'changed by the sender']);
    });

    it('should stop delivering to a subscriber that unsubscribed, and keep the others', async () => {
      const gone = recorder();
      const kept = recorder();
      const unsubscribe = broker.subscribe('s', gone.deliver);
      broker.subscribe('s', kept.deliver);

      unsubscribe();
      broker.publish('s', 1);
      await deliveriesSettled();

      expect(gone.received).toEqual([]);
      expect(kept.received).toEqual([1]);
    });

    it('should not fail the publisher nor other subscribers when one subscriber rejects', async () => {
      const kept = recorder();
      broker.subscribe('s', () => Promise.reject(new Error('handler failed')));
      broker.subscribe('s', kept.deliver);

      expect(() => broker.publish('s', 1)).not.toThrow();
      await deliveriesSettled();

      expect(kept.received).toEqual([1]);
    });
  });

  describe('request', () => {
    it('should deliver to exactly one member of the queue group and resolve with its reply', async () => {
      const members = [recorder((d) => ({ by: 0, d })), recorder((d) => ({ by: 1, d }))];
      for (const member of members) broker.subscribe('key.lookup.v1', member.deliver, 'workers');

      const first = await broker.request('key.lookup.v1', { q: 1 });
      const second = await broker.request('key.lookup.v1', { q: 2 });

      expect([first, second]).toEqual([
        { by: 0, d: { q: 1 } },
        { by: 1, d: { q: 2 } },
      ]);
      expect(members.map((m) => m.received)).toEqual([[{ q: 1 }], [{ q: 2 }]]);
    });

    it('should reject with NoRespondersError when nobody subscribes to the subject', async () => {
      broker.subscribe('other.subject', recorder().deliver);

      await expect(broker.request('key.lookup.v1', {})).rejects.toBeInstanceOf(NoRespondersError);
      await expect(broker.request('key.lookup.v1', {})).rejects.toThrow(
        'no responders for key.lookup.v1',
      );
    });

    it('should reject with NoRespondersError once the only responder unsubscribed', async () => {
      const unsubscribe = broker.subscribe('s', recorder(() => 'ok').deliver, 'workers');
      await expect(broker.request('s', {})).resolves.toBe('ok');

      unsubscribe();

      await expect(broker.request('s', {})).rejects.toBeInstanceOf(NoRespondersError);
    });

    it('should reject with the responder’s error', async () => {
      broker.subscribe('s', () => Promise.reject(new Error('handler failed')), 'workers');

      await expect(broker.request('s', {})).rejects.toThrow('handler failed');
    });

    it('should deliver the request asynchronously, after request has returned', async () => {
      const responder = recorder(() => 'ok');
      broker.subscribe('s', responder.deliver, 'workers');

      const pending = broker.request('s', { n: 1 });

      expect(responder.received).toEqual([]);
      await expect(pending).resolves.toBe('ok');
      expect(responder.received).toEqual([{ n: 1 }]);
    });

    it('should copy the request and the reply, so neither side can change the other’s object', async () => {
      const kept = { tags: ['reply'] };
      broker.subscribe(
        's',
        (data) => {
          (data as { tags: string[] }).tags.push('changed by the responder');
          return Promise.resolve(kept);
        },
        'workers',
      );
      const sent = { tags: ['request'] };

      const reply = (await broker.request('s', sent)) as { tags: string[] };
      reply.tags.push('changed by the requester');

      expect(sent).toEqual({ tags: ['request'] });
      expect(reply).not.toBe(kept);
      expect(kept).toEqual({ tags: ['reply'] });
    });

    it('should resolve with undefined when the responder answers nothing', async () => {
      broker.subscribe('s', () => Promise.resolve(undefined), 'workers');

      await expect(broker.request('s', {})).resolves.toBeUndefined();
    });
  });
});
