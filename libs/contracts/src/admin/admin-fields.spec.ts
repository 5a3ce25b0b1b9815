// Every admin write and query refuses, with the field named, what Postgres would refuse or what could never be
// sent upstream; and accepts what providers really need (a path prefix, an ordinary custom header).
import { z } from 'zod';
import { ChannelCreateSchema, ChannelPatchSchema, splitBaseUrl } from '../channels/channel';
import { KeyCreateSchema, KeyPatchSchema } from '../keys/key';
import { AdminModelPut } from '../pricing/model-price';
import { UsageQuerySchema } from '../usage/usage-recorded';
import { AdminKeyCredit, AdminKeyGet, AdminError, adminReply } from './admin';
import { AdminChannelTest } from './channel-test';

const channel = { name: 'c', type: 'openai', base_url: 'https://api.example.com', keys: ['sk-a'] };

/** The path of the first issue, joined with dots, or 'ok'. */
function refusal(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  return result.success ? 'ok' : result.error.issues[0].path.join('.');
}

describe('admin field validation', () => {
  it('should default the Responses options: no /v1/responses declared, hosted tools dropped', () => {
    expect(ChannelCreateSchema.parse(channel)).toMatchObject({
      responses_api: false,
      hosted_tools: 'drop',
    });
    expect(
      refusal(ChannelCreateSchema, {
        ...channel,
        type: 'openai-compatible',
        responses_api: true,
        hosted_tools: 'refuse',
      }),
    ).toBe('ok');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a NUL in the name', { name: 'a\u0000b' }, 'name'],
    ['a newline in the name', { name: 'a\nb' }, 'name'],
    ['a lone surrogate in a model', { models: ['\ud800'] }, 'models.0'],
    ['a NUL in a group', { groups: ['a\u0000'] }, 'groups.0'],
    ['a NUL in a mapping value', { model_mapping: { a: 'b\u0000' } }, 'model_mapping.a'],
    ['credentials in base_url', { base_url: 'http://user:secret@127.0.0.1:1' }, 'base_url'],
    ['a query in base_url', { base_url: 'https://api.example.com/?x=1' }, 'base_url'],
    ['an empty query in base_url', { base_url: 'https://api.example.com?' }, 'base_url'],
    ['a fragment in base_url', { base_url: 'https://api.example.com/#x' }, 'base_url'],
    ['a non-http base_url', { base_url: 'ftp://api.example.com' }, 'base_url'],
    ['a CRLF in a header value', { headers: { 'x-a': 'b\r\nx-injected: 1' } }, 'headers.x-a'],
    ['a NUL in a header value', { headers: { 'x-a': 'b\u0000' } }, 'headers.x-a'],
    ['a space in a header name', { headers: { 'x a': 'b' } }, 'headers.x a'],
    [
      'transfer-encoding',
      { headers: { 'Transfer-Encoding': 'chunked' } },
      'headers.Transfer-Encoding',
    ],
    ['content-length', { headers: { 'content-length': '1' } }, 'headers.content-length'],
    ['host', { headers: { host: 'evil' } }, 'headers.host'],
    ['connection', { headers: { connection: 'close' } }, 'headers.connection'],
    [
      'a proxy-* header',
      { headers: { 'proxy-authorization': 'x' } },
      'headers.proxy-authorization',
    ],
    ['a header twice', { headers: { 'X-A': '1', 'x-a': '2' } }, 'headers.x-a'],
    ['a CRLF in a secret header', { secret_headers: { 'x-t': 'a\r\n' } }, 'secret_headers.x-t'],
    ['a key with a newline', { keys: ['sk-a\nb'] }, 'keys.0'],
    [
      'an Authorization header',
      { headers: { Authorization: 'Bearer x' } },
      'headers.Authorization',
    ],
    [
      'an x-api-key secret header',
      { secret_headers: { 'x-api-key': 'k' } },
      'secret_headers.x-api-key',
    ],
    ['an x-goog-api-key header', { headers: { 'X-Goog-Api-Key': 'k' } }, 'headers.X-Goog-Api-Key'],
    [
      'a variant with an unknown effort',
      { model_mapping: { a: { model: 'b', overrides: { reasoning_effort: 'extreme' } } } },
      'model_mapping.a.overrides.reasoning_effort',
    ],
    [
      'a variant thinking budget with thinking off',
      {
        model_mapping: {
          a: { model: 'b', overrides: { thinking: { enabled: false, budget_tokens: 9 } } },
        },
      },
      'model_mapping.a.overrides.thinking',
    ],
    [
      'a variant with an unknown override',
      { model_mapping: { a: { model: 'b', overrides: { top_q: 1 } } } },
      'model_mapping.a.overrides',
    ],
    ['a mapping to a number', { model_mapping: { a: 5 } }, 'model_mapping.a'],
    ['an unknown variant suffix', { variant_suffixes: ['-ultra'] }, 'variant_suffixes.0'],
    [
      'a body override of the model',
      { body_override: { set: { model: 'x' } } },
      'body_override.set.model',
    ],
    [
      'a body override removing stream',
      { body_override: { remove: ['stream'] } },
      'body_override.remove.0',
    ],
    [
      'a header both plain and secret',
      { headers: { 'x-org': 'a' }, secret_headers: { 'X-Org': 'b' } },
      'secret_headers.X-Org',
    ],
    [
      'the Responses API on an anthropic channel',
      { type: 'anthropic', responses_api: true },
      'responses_api',
    ],
    ['a hosted-tool policy that is none', { hosted_tools: 'ignore' }, 'hosted_tools'],
    ['a non-boolean responses_api', { responses_api: 'yes' }, 'responses_api'],
  ])('should refuse a channel with %s', (_, over, path) => {
    expect(refusal(ChannelCreateSchema, { ...channel, ...over })).toBe(path);
  });

  it.each<[string, unknown]>([
    ['credentials', { base_url: 'https://u:p@api.example.com' }],
    ['a CRLF header', { headers: { 'x-a': '\r\n' } }],
    ['a NUL name', { name: '\u0000' }],
  ])('should refuse a channel patch with %s', (_, patch) => {
    expect(refusal(ChannelPatchSchema, patch)).not.toBe('ok');
  });

  it.each<[string, string, string]>([
    ['a trailing /v1', 'https://api.openai.com/v1/', 'https://api.openai.com'],
    ['a path prefix', 'https://openrouter.ai/api/v1', 'https://openrouter.ai/api'],
    ['a port', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
  ])('should accept a base_url with %s', (_, baseUrl, stored) => {
    const parsed = ChannelCreateSchema.parse({ ...channel, base_url: baseUrl });
    expect(parsed.base_url).toBe(stored);
  });

  it('should accept ordinary and secret custom headers', () => {
    const parsed = ChannelCreateSchema.parse({
      ...channel,
      headers: { 'HTTP-Referer': 'https://example.com', 'x-org': 'acme corp\t1' },
      secret_headers: { 'x-portkey-api-key': 'pk-123' },
    });
    expect(parsed.secret_headers).toEqual({ 'x-portkey-api-key': 'pk-123' });
  });

  it('should accept model variants, suffix rules and a body override, and default them to none', () => {
    const parsed = ChannelCreateSchema.parse({
      ...channel,
      model_mapping: {
        plain: ' upstream ',
        'opus-thinking': {
          model: 'claude-opus-4-6',
          overrides: {
            thinking: { enabled: true, budget_tokens: 8000 },
            max_tokens: 64_000,
            extra_body: { service_tier: 'auto' },
          },
        },
      },
      variant_suffixes: ['-thinking', '-high'],
      body_override: { set: { top_k: 4 }, remove: ['temperature'] },
    });
    expect(parsed.model_mapping).toEqual({
      plain: 'upstream',
      'opus-thinking': {
        model: 'claude-opus-4-6',
        overrides: {
          thinking: { enabled: true, budget_tokens: 8000 },
          max_tokens: 64_000,
          extra_body: { service_tier: 'auto' },
        },
      },
    });
    expect(ChannelCreateSchema.parse(channel)).toMatchObject({
      variant_suffixes: [],
      body_override: {},
    });
  });

  it.each<[string, string, { origin: string; pathPrefix: string }]>([
    ['no path', 'http://127.0.0.1:9', { origin: 'http://127.0.0.1:9', pathPrefix: '' }],
    [
      'a prefix',
      'https://openrouter.ai/api',
      { origin: 'https://openrouter.ai', pathPrefix: '/api' },
    ],
  ])('splitBaseUrl: %s', (_, baseUrl, expected) => {
    expect(splitBaseUrl(baseUrl)).toEqual(expected);
  });

  it.each<[string, z.ZodType, unknown, string]>([
    ['a NUL in a key name', KeyCreateSchema, { name: 'a\u0000b' }, 'name'],
    [
      'a year-0 expiry',
      KeyCreateSchema,
      { name: 'k', expires_at: '0000-01-01T00:00:00Z' },
      'expires_at',
    ],
    ['a control character in a group', KeyPatchSchema, { group: 'a\u001bb' }, 'group'],
    ['a NUL in an allowed model', KeyPatchSchema, { models: ['a\u0000'] }, 'models.0'],
    ['a credit of -1e308', AdminKeyCredit.request, { id: 'x', amount_usd: -1e308 }, 'amount_usd'],
    ['a credit of 1e308', AdminKeyCredit.request, { id: 'x', amount_usd: 1e308 }, 'amount_usd'],
    ['a NUL in an id', AdminKeyGet.request, { id: 'a\u0000b' }, 'id'],
    ['a NUL in a tested channel id', AdminChannelTest.request, { id: '\u0000' }, 'id'],
    [
      'a NUL in a priced model',
      AdminModelPut.request,
      {
        model: 'a\u0000b',
        price: { input_usd_per_mtok: 1, output_usd_per_mtok: 1 },
      },
      'model',
    ],
    ['a NUL in a usage model', UsageQuerySchema, { model: 'a\u0000b' }, 'model'],
    ['a NUL in a usage key id', UsageQuerySchema, { key_id: 'a\u0000b' }, 'key_id'],
    ['a year-0 since', UsageQuerySchema, { since: '0000-01-01T00:00:00Z' }, 'since'],
    ['a year-10000 until', UsageQuerySchema, { until: '+010000-01-01T00:00:00Z' }, 'until'],
  ])('should refuse %s', (_, schema, input, path) => {
    expect(refusal(schema, input)).toBe(path);
  });

  it('should accept an ordinary usage query and key', () => {
    expect(
      refusal(UsageQuerySchema, { model: 'gpt-5', since: '2025-01-01T00:00:00Z', limit: '10' }),
    ).toBe('ok');
    expect(refusal(KeyCreateSchema, { name: 'ключ 🔑', expires_at: '2030-01-01T00:00:00Z' })).toBe(
      'ok',
    );
    expect(refusal(AdminKeyCredit.request, { id: 'x', amount_usd: 2.5 })).toBe('ok');
  });
});

describe('adminReply', () => {
  it('should answer a value the database refuses (SQLSTATE 22xxx) with a 400, not an exception', async () => {
    const refused = Object.assign(new Error('query failed'), {
      driverError: { code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' },
    });
    const reply = await adminReply(200, () => Promise.reject(refused));
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('invalid byte sequence');
  });

  it('should keep AdminErrors and rethrow other failures', async () => {
    expect((await adminReply(200, () => Promise.reject(new AdminError(404, 'gone')))).status).toBe(
      404,
    );
    const down = Object.assign(new Error('connection refused'), { driverError: { code: '08006' } });
    await expect(adminReply(200, () => Promise.reject(down))).rejects.toBe(down);
  });
});
