// JetStream acknowledgements on one inbox subscription (jetstream-acks.ts) against the real NATS server: a
// stored message resolves, a duplicate id resolves (stored once), a subject no stream captures and a full
// stream reject with why, and a publish nobody answers is failed by the sweep.
import { DiscardPolicy, StorageType, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection, connect, headers } from '@nats-io/transport-node';
import { TEST_NATS_URL, uniqueTestId } from '@relaymesh/testing';
import { JetStreamAcks, pubAckFault } from '../src/jetstream-acks';

const withId = (id: string) => {
  const h = headers();
  h.set('Nats-Msg-Id', id);
  return h;
};

describe('JetStreamAcks', () => {
  const name = uniqueTestId('acks')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .toUpperCase();
  let nc: NatsConnection;
  let acks: JetStreamAcks;

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [`${name}.stored`], storage: StorageType.Memory });
    await jsm.streams.add({
      name: `${name}_FULL`,
      subjects: [`${name}.full`],
      storage: StorageType.Memory,
      max_msgs: 1,
      discard: DiscardPolicy.New,
    });
    acks = new JetStreamAcks(nc, 700);
  });

  afterAll(async () => {
    acks.close();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(name).catch(() => undefined);
    await jsm.streams.delete(`${name}_FULL`).catch(() => undefined);
    await nc.close();
  });

  it('should resolve once stored, and store a repeated id once', async () => {
    await Promise.all([
      acks.publish(`${name}.stored`, '{"n":1}', withId('a')),
      acks.publish(`${name}.stored`, '{"n":2}', withId('b')),
    ]);
    await acks.publish(`${name}.stored`, '{"n":1}', withId('a'));
    const info = await (await jetstreamManager(nc)).streams.info(name);
    expect(info.state.messages).toBe(2);
  });

  it('should reject a subject no stream captures, saying so', async () => {
    await expect(acks.publish(`${name}.nowhere`, '{}', withId('c'))).rejects.toThrow(
      /no JetStream stream answered \(503 no responders\)/,
    );
  });

  it("should reject what a full stream refuses, with JetStream's reason", async () => {
    await acks.publish(`${name}.full`, '{}', withId('d'));
    await expect(acks.publish(`${name}.full`, '{}', withId('e'))).rejects.toThrow(
      /JetStream refused the message: maximum messages exceeded/,
    );
  });

  it('should fail a publish nobody acknowledges once its time is up', async () => {
    // A plain subscriber: the message has a responder, but no acknowledgement ever comes.
    const silent = nc.subscribe(`${name}.silent`);
    const started = Date.now();
    await expect(acks.publish(`${name}.silent`, '{}', withId('f'))).rejects.toThrow(
      /no JetStream acknowledgement within 700 ms/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    silent.unsubscribe();
  });
});

describe('pubAckFault', () => {
  it('should accept a PubAck and name every other answer', () => {
    expect(pubAckFault(undefined, () => ({ stream: 'S', seq: 1 }))).toBeNull();
    expect(pubAckFault(undefined, () => ({ stream: 'S', seq: 1, duplicate: true }))).toBeNull();
    expect(pubAckFault(headers(503, 'No Responders'), () => null)).toMatch(/503/);
    expect(pubAckFault(undefined, () => ({ error: { code: 503, description: 'x' } }))).toMatch(
      /refused the message: x \(503\)/,
    );
    expect(pubAckFault(undefined, () => ({}))).toBe('invalid JetStream acknowledgement');
    expect(
      pubAckFault(undefined, () => {
        throw new SyntaxError('bad');
      }),
    ).toMatch(/not JSON/);
  });
});
