import { DATA_PLANE_ROUTES, RouteTable, formatOfRoute, routeInFamily } from './route-table';

const table = new RouteTable();

describe('RouteTable', () => {
  it('should find every declared route by its own path (the model standing in for {model})', () => {
    for (const route of DATA_PLANE_ROUTES) {
      const path = route.path.replace('{model}', 'some-model');
      expect(table.routeOf(route.method, path)).toEqual({
        route,
        pathModel: route.path.includes('{model}') ? 'some-model' : null,
      });
    }
  });

  it.each([
    ['a method the path does not declare', 'GET', '/v1/chat/completions'],
    ['a trailing slash', 'POST', '/v1/messages/'],
    ['an unknown Gemini method', 'POST', '/v1beta/models/m:countTextTokens'],
    ['a Gemini target with no model', 'POST', '/v1beta/models/:generateContent'],
    ['a Gemini model over two segments', 'POST', '/v1beta/models/a/b:generateContent'],
    ['a Gemini method with no colon', 'POST', '/v1beta/models/generateContent'],
  ])('should match nothing for %s', (_, method, path) => {
    expect(table.routeOf(method, path)).toBeNull();
  });

  it('should split a Gemini target at its last colon: a model name may hold colons', () => {
    const family = table.families.find((f) => f.prefix === '/v1beta/models/')!;
    expect(routeInFamily(family, 'tuned:v2:streamGenerateContent')).toEqual({
      route: expect.objectContaining({ label: 'generate_content' }) as unknown,
      pathModel: 'tuned:v2',
    });
    // Fastify hands the decoded parameter, which may hold a slash the raw path could not.
    expect(routeInFamily(family, 'a/b:embedContent')?.pathModel).toBe('a/b');
  });

  it('should have one Gemini family per prefix and method, and every other route fixed', () => {
    expect(table.families.map((f) => `${f.method} ${f.prefix} as ${f.template}`)).toEqual([
      'POST /v1beta/models/ as /v1beta/models/:target',
      'POST /v1/models/ as /v1/models/:target',
    ]);
    expect(table.fixedRoutes).toHaveLength(DATA_PLANE_ROUTES.length - 10);
  });
});

describe('formatOfRoute', () => {
  const route = (path: string, method: 'GET' | 'POST' = 'GET') =>
    table.routeOf(method, path)!.route;

  it.each<[string, Record<string, string>, Record<string, unknown>, string]>([
    ['Bearer', { authorization: 'Bearer k' }, {}, 'openai'],
    ['x-api-key', { 'x-api-key': 'k' }, {}, 'anthropic'],
    [
      'anthropic-version',
      { 'anthropic-version': '2023-06-01', authorization: 'Bearer k' },
      {},
      'anthropic',
    ],
    ['x-goog-api-key', { 'x-goog-api-key': 'k' }, {}, 'gemini'],
    ['?key=', {}, { key: 'k' }, 'gemini'],
  ])(
    'should answer GET /v1/key in the envelope of the key sent by %s',
    (_, headers, query, format) => {
      expect(formatOfRoute(route('/v1/key'), headers, query)).toBe(format);
    },
  );

  it('should list models in Anthropic form only when anthropic-version is sent', () => {
    expect(formatOfRoute(route('/v1/models'), { 'anthropic-version': 'x' }, {})).toBe('anthropic');
    expect(formatOfRoute(route('/v1/models'), { 'x-api-key': 'k' }, {})).toBe('openai');
    expect(formatOfRoute(route('/v1beta/models'), {}, {})).toBe('gemini');
  });

  it('should answer a fixed-format route in its own format', () => {
    expect(formatOfRoute(route('/v1/messages/count_tokens', 'POST'), {}, {})).toBe('anthropic');
    expect(formatOfRoute(route('/v1/embeddings', 'POST'), { 'x-api-key': 'k' }, {})).toBe('openai');
  });
});
