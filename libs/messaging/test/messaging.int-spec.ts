// The NATS transport against a real NATS server: subject prefixes isolate deployments, requests reach one
// replica and are validated at the edge, shared events reach one replica and broadcasts every one, and a request
// nobody serves fails at once. A tiny Nest app stands in for router, prober and ledger.
import { Controller, DynamicModule, INestApplication, Module } from '@nestjs/common';
import {
  ContractViolation,
  EventPayload,
  ReplyPayload,
  RequestPayload,
  defineEvent,
  defineRequest,
} from '@relaymesh/contracts';
import {
  BusRequestError,
  ClientProxyBus,
  ContractPayload,
  OnEvent,
  OnRequest,
  PrefixedNatsClient,
} from '@relaymesh/messaging';
import { runApp } from '@relaymesh/app';
import { TEST_NATS_URL, uniqueTestId, waitFor } from '@relaymesh/testing';
import { NatsConnection, connect } from '@nats-io/transport-node';
import { lastValueFrom, timeout } from 'rxjs';
import { z } from 'zod';

const Ping = defineEvent('test.ping.v1', z.object({ n: z.number().int() }));
const Work = defineEvent('test.work.v1', z.object({ n: z.number().int() }));
const Echo = defineRequest(
  'test.echo.v1',
  z.object({ text: z.string().min(1) }),
  z.object({ echoed: z.string(), by: z.string() }),
);
const Nobody = defineRequest('test.nobody.v1', z.object({}), z.object({}));

/** What one replica received. */
class Inbox {
  readonly pings: number[] = [];
  readonly work: number[] = [];
  constructor(readonly name: string) {}
}

@Controller()
class TestHandler {
  constructor(private readonly inbox: Inbox) {}

  @OnEvent(Ping)
  onPing(@ContractPayload(Ping) { n }: EventPayload<typeof Ping>): void {
    this.inbox.pings.push(n);
  }

  @OnEvent(Work, { shared: true })
  onWork(@ContractPayload(Work) { n }: EventPayload<typeof Work>): void {
    this.inbox.work.push(n);
  }

  @OnRequest(Echo)
  echo(@ContractPayload(Echo) { text }: RequestPayload<typeof Echo>): ReplyPayload<typeof Echo> {
    if (text === 'fail') throw new Error('the handler failed');
    // A reply that breaks the contract, to see the requester refuse it.
    if (text === 'bad reply') return { echoed: text } as ReplyPayload<typeof Echo>;
    return { echoed: text, by: this.inbox.name };
  }
}

@Module({})
class TestModule {
  static forRoot(inbox: Inbox): DynamicModule {
    return {
      module: TestModule,
      controllers: [TestHandler],
      providers: [{ provide: Inbox, useValue: inbox }],
    };
  }
}

interface Replica {
  inbox: Inbox;
  app: INestApplication;
}

async function startReplica(prefix: string, name: string): Promise<Replica> {
  const inbox = new Inbox(name);
  const app = await runApp(TestModule.forRoot(inbox), {
    transport: { kind: 'nats', url: TEST_NATS_URL, prefix, name },
    listenPort: null,
    logLevels: ['error', 'fatal'],
  });
  return { inbox, app };
}

interface Peer {
  bus: ClientProxyBus;
  /** The bus's client, whose untyped send/emit can carry what the bus refuses to compile: a broken payload. */
  client: PrefixedNatsClient;
}

async function connectPeer(prefix: string): Promise<Peer> {
  const client = new PrefixedNatsClient({ url: TEST_NATS_URL, prefix, name: `peer-${prefix}` });
  const bus = new ClientProxyBus(client);
  await bus.onModuleInit();
  return { bus, client };
}

/** Publishes a packet as Nest's NATS client frames it, on the raw connection, with no prefix added. */
function publishRaw(nc: NatsConnection, subject: string, pattern: string, data: unknown): void {
  nc.publish(subject, JSON.stringify({ pattern, data }));
}

describe('messaging over NATS', () => {
  const prefixA = uniqueTestId('it_msg_a');
  const prefixB = uniqueTestId('it_msg_b');
  const prefixEmpty = uniqueTestId('it_msg_empty');
  let a1: Replica;
  let a2: Replica;
  let b1: Replica;
  let peerA: Peer;
  let peerB: Peer;
  let peerEmpty: Peer;
  let raw: NatsConnection;

  beforeAll(async () => {
    [a1, a2, b1] = await Promise.all([
      startReplica(prefixA, 'a1'),
      startReplica(prefixA, 'a2'),
      startReplica(prefixB, 'b1'),
    ]);
    [peerA, peerB, peerEmpty] = await Promise.all([
      connectPeer(prefixA),
      connectPeer(prefixB),
      connectPeer(prefixEmpty),
    ]);
    raw = await connect({ servers: TEST_NATS_URL, name: 'messaging-it-raw' });
  });

  afterAll(async () => {
    await Promise.all([a1, a2, b1].filter(Boolean).map((replica) => replica.app.close()));
    await Promise.all(
      [peerA, peerB, peerEmpty].filter(Boolean).map((peer) => peer.bus.onApplicationShutdown()),
    );
    await raw?.close();
  });

  describe('request and reply', () => {
    it('should answer a request from a replica of the requester’s prefix, with the reply validated', async () => {
      const reply = await peerA.bus.request(Echo, { text: 'hello' });

      expect(reply.echoed).toBe('hello');
      expect(['a1', 'a2']).toContain(reply.by);
    });

    it('should never answer a request from a replica of another prefix', async () => {
      const fromA = await Promise.all(
        Array.from({ length: 10 }, (_, i) => peerA.bus.request(Echo, { text: `a${i}` })),
      );
      const fromB = await Promise.all(
        Array.from({ length: 10 }, (_, i) => peerB.bus.request(Echo, { text: `b${i}` })),
      );

      expect(fromA.map((r) => r.by)).not.toContain('b1');
      expect(new Set(fromB.map((r) => r.by))).toEqual(new Set(['b1']));
    });

    it('should reject a request that breaks its contract, and keep serving', async () => {
      const refused = lastValueFrom(
        peerA.client.send(Echo.subject, { text: 42 }).pipe(timeout(10_000)),
      );

      await expect(refused).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('payload of test.echo.v1 violates its contract'),
      });
      await expect(peerA.bus.request(Echo, { text: 'still here' })).resolves.toMatchObject({
        echoed: 'still here',
      });
    });

    it('should reject with BusRequestError when the handler fails', async () => {
      const failed = peerA.bus.request(Echo, { text: 'fail' });

      await expect(failed).rejects.toBeInstanceOf(BusRequestError);
      await expect(failed).rejects.toMatchObject({ subject: 'test.echo.v1' });
    });

    it('should refuse a reply that breaks the contract', async () => {
      await expect(peerA.bus.request(Echo, { text: 'bad reply' })).rejects.toBeInstanceOf(
        ContractViolation,
      );
    });

    it('should reject at once with BusRequestError when nobody serves the subject', async () => {
      // The timeout is far beyond jest's: only NATS's "no responders" answer can end this request in time, and
      // a timeout would carry another reason.
      const unserved = peerA.bus.request(Nobody, {}, { timeoutMs: 60_000 });

      await expect(unserved).rejects.toBeInstanceOf(BusRequestError);
      await expect(unserved).rejects.toMatchObject({
        subject: 'test.nobody.v1',
        reason: expect.stringMatching(/no subscribers/i),
      });
    });

    it('should find no responder under a prefix nobody serves, though other prefixes serve the subject', async () => {
      const unserved = peerEmpty.bus.request(Echo, { text: 'anyone?' }, { timeoutMs: 60_000 });

      await expect(unserved).rejects.toMatchObject({
        reason: expect.stringMatching(/no subscribers/i),
      });
    });
  });

  describe('events', () => {
    it('should deliver a broadcast to every replica of the prefix', async () => {
      peerA.bus.emit(Ping, { n: 1 });

      await waitFor(() => a1.inbox.pings.includes(1) && a2.inbox.pings.includes(1), {
        what: 'both replicas of prefix A to receive ping 1',
      });
    });

    it('should not deliver an event to replicas of another prefix', async () => {
      // One connection publishes both, so NATS delivers them in this order: once the later ping reached a
      // replica, the earlier one would have reached it too had it been delivered there.
      publishRaw(raw, `${prefixB}.${Ping.subject}`, Ping.subject, { n: 100 });
      publishRaw(raw, `${prefixA}.${Ping.subject}`, Ping.subject, { n: 200 });
      publishRaw(raw, `${prefixB}.${Ping.subject}`, Ping.subject, { n: 300 });

      await waitFor(() => a1.inbox.pings.includes(200) && a2.inbox.pings.includes(200), {
        what: 'prefix A replicas to receive ping 200',
      });
      await waitFor(() => b1.inbox.pings.includes(300), {
        what: 'prefix B replica to receive ping 300',
      });
      expect(a1.inbox.pings).not.toContain(100);
      expect(a2.inbox.pings).not.toContain(100);
      expect(b1.inbox.pings).toContain(100);
      expect(b1.inbox.pings).not.toContain(200);
    });

    it('should deliver each shared event to exactly one replica', async () => {
      const sent = Array.from({ length: 20 }, (_, i) => 1000 + i);
      for (const n of sent) peerA.bus.emit(Work, { n });
      // A broadcast after them: by the time both replicas saw it, any duplicate would have arrived too.
      peerA.bus.emit(Ping, { n: 2 });

      await waitFor(() => a1.inbox.work.length + a2.inbox.work.length >= sent.length, {
        what: `${sent.length} shared events to arrive`,
      });
      await waitFor(() => a1.inbox.pings.includes(2) && a2.inbox.pings.includes(2), {
        what: 'the closing broadcast to reach both replicas',
      });
      const received = [...a1.inbox.work, ...a2.inbox.work].sort((x, y) => x - y);
      expect(received).toEqual(sent);
      expect(b1.inbox.work).toEqual([]);
    });

    it('should drop an event that breaks its contract and keep handling the next ones', async () => {
      peerA.client.emit(Ping.subject, { n: 'three' }).subscribe();
      peerA.bus.emit(Ping, { n: 3 });

      await waitFor(() => a1.inbox.pings.includes(3) && a2.inbox.pings.includes(3), {
        what: 'both replicas to receive ping 3',
      });
      expect([...a1.inbox.pings, ...a2.inbox.pings].every((n) => typeof n === 'number')).toBe(true);
    });
  });
});
