// Parity of the two front doors: the same requests, Content-Length bodies (what the lean listener takes),
// sent to a deployment with the lean listener on and to one with it off (RELAYMESH_LEAN_LISTENER=off: Fastify
// takes everything), must get the same answers: status, the headers a client reads (content type, request id,
// Retry-After) and the body, with what differs per request by design (ids, timestamps) masked. Every route of
// the data-plane table, each with a served request, a stream where it has one, and the refusals of every layer
// (no key, bad key, disabled key, foreign address, bad JSON, a body that is not an object, an unknown model,
// a missing field, a model outside the key's list).
import { Deployment, FakeOpenAI, startDeployment } from '@relaymesh/testing';
import {
  Answer,
  ROUTES,
  Route,
  agent,
  credentials,
  prepareRoutes,
  send,
  servedByLean,
} from './data-plane-route-table';

const KEYS = {
  good: {},
  disabled: { enabled: false },
  'other-address': { allow_ips: ['203.0.113.0/24'] },
  'other-model': { models: ['not-this-one'] },
} as const;
type KeyName = keyof typeof KEYS | 'none' | 'unknown';

interface Case {
  name: string;
  key: KeyName;
  /** The request's body text: the route's own unless a case says otherwise. */
  body?: (route: Route) => string;
  /** Only routes this holds for. */
  applies?: (route: Route) => boolean;
  /** A request id sent by the client (kept when sane). */
  requestId?: string;
}

const hasBodyModel = (route: Route) =>
  route.body?.['model'] !== undefined && !route.path.includes('/models/');
const bodyText = (route: Route) => JSON.stringify(route.body ?? null);

const CASES: Case[] = [
  { name: 'served', key: 'good', requestId: 'parity-1' },
  {
    name: 'streamed',
    key: 'good',
    applies: (route) => ['chat completions', 'responses', 'messages'].includes(route.name),
    body: (route) => JSON.stringify({ ...route.body, stream: true }),
  },
  { name: 'no key', key: 'none' },
  { name: 'an unknown key', key: 'unknown' },
  { name: 'a disabled key', key: 'disabled' },
  { name: 'a foreign address', key: 'other-address' },
  { name: 'a model outside the key list', key: 'other-model', applies: (r) => r.method === 'POST' },
  {
    name: 'broken JSON',
    key: 'good',
    body: () => '{"model":',
    applies: (r) => r.method === 'POST',
  },
  {
    name: 'a body that is not an object',
    key: 'good',
    body: () => '[1]',
    applies: (r) => r.method === 'POST',
  },
  {
    name: 'an unknown model',
    key: 'good',
    applies: hasBodyModel,
    body: (route) => JSON.stringify({ ...route.body, model: 'no-such-model' }),
  },
  {
    name: 'a missing field',
    key: 'good',
    applies: hasBodyModel,
    body: (route) => JSON.stringify({ model: route.body!['model'] }),
  },
];

const ROWS: [string, string, Route, Case][] = ROUTES.flatMap((route) =>
  CASES.filter((c) => (c.applies ?? (() => true))(route)).map(
    (c): [string, string, Route, Case] => [route.name, c.name, route, c],
  ),
);

const VOLATILE_KEYS = new Set([
  'id',
  'item_id',
  'created',
  'created_at',
  'responseId',
  'system_fingerprint',
]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The value with what differs per request by design masked: ids, timestamps, request ids in messages. */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, VOLATILE_KEYS.has(k) ? '<volatile>' : masked(v)]),
    );
  }
  return typeof value === 'string' ? value.replace(UUID, '<uuid>') : value;
}

/** A JSON body or an SSE stream, as comparable values. */
function bodyOf(text: string): unknown {
  try {
    return masked(JSON.parse(text));
  } catch {
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        if (!line.startsWith('data: ')) return line;
        try {
          return masked(JSON.parse(line.slice(6)));
        } catch {
          return line;
        }
      });
  }
}

function comparable(answer: Answer) {
  const id = answer.headers['x-request-id'];
  return {
    status: answer.status,
    contentType: answer.headers['content-type'],
    requestId: typeof id === 'string' && IS_UUID.test(id) ? '<uuid>' : id,
    retryAfter: answer.headers['retry-after'],
    body: bodyOf(answer.text),
  };
}

describe('the lean listener answers as Fastify does (embedded, lean on vs off)', () => {
  let upstream: FakeOpenAI;
  const sides: { name: 'on' | 'off'; relay: Deployment; keys: Record<string, string> }[] = [];

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    for (const name of ['on', 'off'] as const) {
      const relay = await startDeployment('embedded', {
        env: { LOG_LEVEL: 'error', RELAYMESH_LEAN_LISTENER: name },
      });
      const keys = {
        unknown: 'sk-not-a-key-of-this-gateway',
        ...(await prepareRoutes(relay, upstream.url, KEYS)),
      };
      sides.push({ name, relay, keys });
    }
  }, 180_000);

  afterAll(async () => {
    agent.destroy();
    for (const side of sides) await side.relay.stop();
    await upstream?.close();
  });

  it('should serve the POST routes by the lean listener only where it is on', () => {
    // What makes the comparison below a comparison of two listeners, not of one with itself.
    expect(ROUTES.filter(servedByLean).length).toBeGreaterThan(10);
    expect(sides.map((s) => s.name)).toEqual(['on', 'off']);
  });

  it.each(ROWS)('%s, %s: the same answer with the lean listener on and off', async (...row) => {
    const [, , route, c] = row;
    const body = route.method === 'POST' ? (c.body ?? bodyText)(route) : null;
    const answers = await Promise.all(
      sides.map(async ({ relay, keys }) => {
        const headers: Record<string, string> =
          c.key === 'none' ? {} : credentials(route.format, keys[c.key]);
        if (c.requestId) headers['x-request-id'] = c.requestId;
        return comparable(await send(relay, 'lean', route, headers, body));
      }),
    );
    expect(answers[0].status).toBeGreaterThan(0);
    expect(answers[1]).toEqual(answers[0]);
  });
});
