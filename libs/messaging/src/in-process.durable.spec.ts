import { defineEvent } from '@relaymesh/contracts';
import { z } from 'zod';
import { DurableMessage } from './durable';
import { InProcessBroker } from './in-process.broker';
import { InProcessDurableChannel } from './in-process.durable';

const Recorded = defineEvent('test.recorded.v1', z.object({ n: z.number() }));
type Message = DurableMessage<typeof Recorded>;

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

const options = { durable: 'ledger', batchSize: 10, retryDelayMs: 5 };

describe('InProcessDurableChannel', () => {
  it('should be one channel per broker, shared by every app of the process', () => {
    const broker = new InProcessBroker();

    expect(InProcessDurableChannel.for(broker)).toBe(InProcessDurableChannel.for(broker));
    expect(InProcessDurableChannel.for(new InProcessBroker())).not.toBe(
      InProcessDurableChannel.for(broker),
    );
  });

  it('should keep what was published before any consumer and hand it to the first, once per message id', async () => {
    const channel = new InProcessDurableChannel();
    await channel.publish(Recorded, { n: 1 }, 'a');
    await channel.publish(Recorded, { n: 1 }, 'a');
    await channel.publish(Recorded, { n: 2 }, 'b');
    const received: Message[] = [];

    const consumption = await channel.consume(Recorded, options, (batch) => {
      received.push(...batch);
      return Promise.resolve();
    });
    await until(() => received.length === 2);
    await channel.publish(Recorded, { n: 3 }, 'c');
    await until(() => received.length === 3);
    await consumption.stop();

    expect(received.map((m) => [m.msgId, m.payload.n, m.redeliveries])).toEqual([
      ['a', 1, 0],
      ['b', 2, 0],
      ['c', 3, 0],
    ]);
  });

  it('should gather what arrives within the linger time into one batch', async () => {
    const channel = new InProcessDurableChannel();
    const batches: string[][] = [];
    const consumption = await channel.consume(
      Recorded,
      // A linger far longer than the test: the batch is handed over because it is full.
      { ...options, batchSize: 3, lingerMs: 60_000 },
      (batch) => {
        batches.push(batch.map((m) => m.msgId));
        return Promise.resolve();
      },
    );
    await channel.publish(Recorded, { n: 1 }, 'a');
    await new Promise((resolve) => setImmediate(resolve));
    await channel.publish(Recorded, { n: 2 }, 'b');
    await new Promise((resolve) => setImmediate(resolve));
    await channel.publish(Recorded, { n: 3 }, 'c');
    await until(() => batches.length === 1);
    await consumption.stop();

    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('should still hand over the batch it was gathering when stopped', async () => {
    const channel = new InProcessDurableChannel();
    const handled: string[] = [];
    const consumption = await channel.consume(
      Recorded,
      { ...options, lingerMs: 60_000 },
      (batch) => {
        handled.push(...batch.map((m) => m.msgId));
        return Promise.resolve();
      },
    );
    await channel.publish(Recorded, { n: 1 }, 'a');
    await new Promise((resolve) => setImmediate(resolve));
    await consumption.stop();

    expect(handled).toEqual(['a']);
  });

  it('should deliver a batch again until its handler resolves', async () => {
    const channel = new InProcessDurableChannel();
    let failures = 2;
    const handled: Message[] = [];
    const consumption = await channel.consume(Recorded, options, (batch) => {
      if (failures-- > 0) return Promise.reject(new Error('database down'));
      handled.push(...batch);
      return Promise.resolve();
    });

    await channel.publish(Recorded, { n: 1 }, 'a');
    await until(() => handled.length === 1);
    await consumption.stop();

    expect(handled[0]).toMatchObject({ msgId: 'a', redeliveries: 2 });
    expect(await consumption.backlog()).toEqual({ pending: 0, unacknowledged: 0 });
  });

  it('should drop a message that breaks its contract, telling onPoison, and go on', async () => {
    const channel = new InProcessDurableChannel();
    const poisoned: string[] = [];
    const handled: Message[] = [];
    const consumption = await channel.consume(
      Recorded,
      {
        ...options,
        onPoison: ({ msgId, raw }) => {
          poisoned.push(`${msgId} ${raw}`);
        },
      },
      (batch) => {
        handled.push(...batch);
        return Promise.resolve();
      },
    );

    await channel.publish(Recorded, { n: 'not a number' } as never, 'bad');
    await channel.publish(Recorded, { n: 2 }, 'good');
    await until(() => handled.length === 1);
    await consumption.stop();

    expect(poisoned).toEqual(['bad {"n":"not a number"}']);
    expect(handled.map((m) => m.msgId)).toEqual(['good']);
  });

  it('should deliver a poison message again while onPoison cannot park it, and drop it once it could', async () => {
    const channel = new InProcessDurableChannel();
    let refusals = 2;
    const parked: string[] = [];
    const consumption = await channel.consume(
      Recorded,
      {
        ...options,
        onPoison: ({ msgId }) => {
          if (refusals-- > 0) return Promise.reject(new Error('database down'));
          parked.push(msgId);
          return Promise.resolve();
        },
      },
      () => Promise.resolve(),
    );

    await channel.publish(Recorded, { n: 'not a number' } as never, 'bad');
    await until(() => parked.length === 1);
    await consumption.stop();

    expect(parked).toEqual(['bad']);
    expect(await consumption.backlog()).toEqual({ pending: 0, unacknowledged: 0 });
  });

  it('should tell the handler when each message was stored', async () => {
    const channel = new InProcessDurableChannel();
    await channel.publish(Recorded, { n: 1 }, 'a', null, Date.parse('2030-01-01T00:00:00Z'));
    const handled: Message[] = [];
    const consumption = await channel.consume(Recorded, options, (batch) => {
      handled.push(...batch);
      return Promise.resolve();
    });
    await until(() => handled.length === 1);
    await consumption.stop();

    expect(handled[0].storedAt).toBe(Date.parse('2030-01-01T00:00:00Z'));
  });

  it('should forget message ids after the dedup window', async () => {
    const channel = new InProcessDurableChannel();
    const handled: Message[] = [];
    await channel.publish(Recorded, { n: 1 }, 'a', null, 0);
    await channel.publish(Recorded, { n: 1 }, 'a', null, 3 * 60_000);
    const consumption = await channel.consume(Recorded, options, (batch) => {
      handled.push(...batch);
      return Promise.resolve();
    });

    await until(() => handled.length === 2);
    await consumption.stop();
  });
});
