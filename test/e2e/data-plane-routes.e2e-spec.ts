// Every data-plane route of CONTRACT §1, one table, through each front door that serves it, for what must hold
// on all of them alike: admission (a key's allow_ips, its enabled flag and expiry are checked on every route,
// with the client's address), path targets that are not decoded twice, bodies nested too deep for the
// gateway's own recursion, and requests node's HTTP parser refuses. Written against the routes, not the code
// that serves them, so it keeps proving the same after the routes are rebuilt.
//
// Two front doors, built from one route table: the lean listener takes POSTs with a Content-Length JSON body;
// Fastify takes the rest, chunked bodies included (lean-listener.spec.ts pins both choices). A route the lean
// listener serves is sent both ways; any other, once (lean-parity.e2e-spec.ts compares the two whole). Raw node:http, so the framing is the test's choice.
import { Deployment, FakeOpenAI, isErrorEnvelope, startDeployment } from '@relaymesh/testing';
import { connect } from 'node:net';
import {
  Answer,
  Listener,
  MODEL,
  ROUTES,
  Route,
  agent,
  credentials,
  prepareRoutes,
  send,
  servedByLean,
} from './data-plane-route-table';

/** Each route with each listener that serves it, as `it.each` rows. */
const ROUTE_LISTENERS: [string, Listener, Route][] = ROUTES.flatMap((route) =>
  (servedByLean(route) ? (['lean', 'fastify'] as const) : (['fastify'] as const)).map(
    (listener): [string, Listener, Route] => [route.name, listener, route],
  ),
);
const POST_ROUTE_LISTENERS = ROUTE_LISTENERS.filter(([, , route]) => route.method === 'POST');

/** The route's status and, for a refusal, its envelope and message, in one comparable value. */
function outcome(route: Route, answer: Answer) {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    // An SSE stream, or not JSON at all (then the envelope check below says so).
  }
  const message = (parsed as { error?: { message?: unknown } } | null)?.error?.message;
  return {
    status: answer.status,
    requestId: typeof answer.headers['x-request-id'],
    ...(answer.status >= 400
      ? { envelope: isErrorEnvelope(route.format, parsed), message: String(message) }
      : {}),
  };
}

/** A value nested `depth` arrays deep (JSON text), the shape that overflowed JSON.stringify. */
const deepArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('every data-plane route, through each listener that serves it (embedded)', () => {
  let relay: Deployment;
  let upstream: FakeOpenAI;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    relay = await startDeployment('embedded', { env: { LOG_LEVEL: 'error' } });
    Object.assign(
      keys,
      await prepareRoutes(relay, upstream.url, {
        good: {},
        'allowed-address': { allow_ips: ['127.0.0.1'] },
        'other-address': { allow_ips: ['203.0.113.0/24'] },
        disabled: { enabled: false },
        expired: { expires_at: '2020-01-01T00:00:00Z' },
      }),
    );
  }, 90_000);

  afterAll(async () => {
    agent.destroy();
    await relay?.stop();
    await upstream?.close();
  });

  describe('admission', () => {
    it.each(ROUTE_LISTENERS)(
      '%s (%s): allow_ips holding the caller is served; another address, a disabled and an expired key get 403',
      async (_, listener, route) => {
        const body = route.body === undefined ? null : JSON.stringify(route.body);
        const ask = (key: string) =>
          send(relay, listener, route, credentials(route.format, keys[key]), body).then((a) =>
            outcome(route, a),
          );
        const refused = (message: string) => ({
          status: 403,
          requestId: 'string',
          envelope: true,
          message: expect.stringContaining(message) as unknown,
        });
        expect({
          allowed: await ask('allowed-address'),
          other: await ask('other-address'),
          disabled: await ask('disabled'),
          expired: await ask('expired'),
        }).toEqual({
          allowed: { status: 200, requestId: 'string' },
          other: refused("outside the key's allow_ips"),
          disabled: refused('disabled'),
          expired: refused('expired'),
        });
      },
    );
  });

  describe('Gemini model names in the path', () => {
    // `%25` is a percent sign: the model is `x%zz`, decoded once (a second decoding threw a URIError, a 500).
    it.each(
      ROUTES.filter((r) => r.path.includes(`/models/${MODEL}:`)).map((route): [string, Route] => [
        route.name,
        route,
      ]),
    )('%s: an escaped %% is a model name like any other', async (_, route) => {
      const escaped = { ...route, path: route.path.replace(MODEL, 'x%25zz') };
      const body = JSON.stringify(route.body);
      const noKey = await send(relay, 'fastify', escaped, {}, body);
      const withKey = await send(
        relay,
        'fastify',
        escaped,
        credentials('gemini', keys['good']),
        body,
      );
      expect({ noKey: outcome(route, noKey), withKey: outcome(route, withKey) }).toEqual({
        noKey: { status: 401, requestId: 'string', envelope: true, message: expect.any(String) },
        withKey: {
          status: 404,
          requestId: 'string',
          envelope: true,
          message: "The model 'x%zz' does not exist.",
        },
      });
    });

    it.each(['x%zz', '%E0%A4%A', 'x%'])(
      'a broken escape (%s) is a malformed path: 400',
      async (model) => {
        const route = ROUTES.find((r) => r.name === '/v1beta :generateContent')!;
        const answer = await send(
          relay,
          'fastify',
          { ...route, path: route.path.replace(MODEL, model) },
          {},
          JSON.stringify(route.body),
        );
        expect(outcome(route, answer)).toEqual({
          status: 400,
          requestId: 'string',
          envelope: true,
          message: expect.stringContaining('Malformed request') as unknown,
        });
      },
    );
  });

  describe('nesting depth', () => {
    it.each(POST_ROUTE_LISTENERS)(
      '%s (%s): a field nested 10^5 arrays deep is a 400, not a stack overflow',
      async (_, listener, route) => {
        const text = JSON.stringify(route.body);
        const body = `${text.slice(0, -1)},"deep":${deepArray(100_000)}}`;
        const answer = await send(
          relay,
          listener,
          route,
          credentials(route.format, keys['good']),
          body,
        );
        expect(outcome(route, answer)).toEqual({
          status: 400,
          requestId: 'string',
          envelope: true,
          message: expect.stringContaining('deeper than 256 levels') as unknown,
        });
      },
    );
  });

  describe('requests the HTTP parser refuses', () => {
    /** Sends raw bytes and reads whatever comes back until the server closes the connection. */
    function raw(bytes: string): Promise<string> {
      const port = Number(new URL(relay.url).port);
      return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        // The server closes after answering; unread bytes of ours may make that a reset.
        socket.on('error', (err: NodeJS.ErrnoException) =>
          chunks.length > 0 || err.code === 'ECONNRESET' ? undefined : reject(err),
        );
        socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
        socket.write(bytes);
      });
    }

    const head = (requestLine: string, ...headers: string[]) =>
      [requestLine, 'Host: 127.0.0.1', ...headers, '', ''].join('\r\n');
    const LEAN_POST = ['Content-Type: application/json', 'Content-Length: 2'];

    it.each<[string, number, string]>([
      ['a lowercase method (Fastify route)', 400, head('get /v1/models HTTP/1.1')],
      [
        'a lowercase method (lean route)',
        400,
        head('post /v1/chat/completions HTTP/1.1', ...LEAN_POST) + '{}',
      ],
      [
        'Content-Length beside Transfer-Encoding',
        400,
        head('POST /v1/chat/completions HTTP/1.1', ...LEAN_POST, 'Transfer-Encoding: chunked') +
          '0\r\n\r\n',
      ],
      ['a CR inside a header value', 400, head('GET /v1/models HTTP/1.1', 'X-Bad: a\rb')],
      [
        'headers over the size limit (Fastify route)',
        431,
        head('GET /v1/models HTTP/1.1', `X-Big: ${'a'.repeat(20_000)}`),
      ],
      [
        'headers over the size limit (lean route)',
        431,
        head('POST /v1/chat/completions HTTP/1.1', ...LEAN_POST, `X-Big: ${'a'.repeat(20_000)}`) +
          '{}',
      ],
    ])('%s: %d in the OpenAI envelope with an x-request-id', async (_, status, bytes) => {
      const answer = await raw(bytes);
      const [headText, bodyText] = [
        answer.slice(0, answer.indexOf('\r\n\r\n')),
        answer.slice(answer.indexOf('\r\n\r\n') + 4),
      ];
      let body: unknown = null;
      try {
        body = JSON.parse(bodyText);
      } catch {
        // Not JSON: the envelope check below fails with the text in view.
      }
      expect({
        statusLine: headText.split('\r\n')[0],
        json: /^content-type: application\/json/im.test(headText),
        requestId: /^x-request-id: \S+/im.test(headText),
        envelope: isErrorEnvelope('openai', body),
      }).toEqual({
        statusLine: expect.stringMatching(new RegExp(`^HTTP/1\\.1 ${status} `)) as unknown,
        json: true,
        requestId: true,
        envelope: true,
      });
    });
  });
});
