import { startTrace } from '../http/request-trace';
import { accessLogEntry } from './access-log-line';

describe('accessLogEntry', () => {
  const secretHeaders = {
    authorization: 'Bearer sk-rm-secret-client-key',
    'x-api-key': 'sk-rm-secret-client-key',
    'x-goog-api-key': 'sk-rm-secret-client-key',
    'x-title': 'my app',
  };

  it('should describe a finished request by its trace: who, what, where, how long, how many tokens', () => {
    const trace = startTrace('req-1', 'chat_completions', 'openai', secretHeaders);
    Object.assign(trace, {
      key: { id: 'key-42', name: 'team', key_hash: 'ab'.repeat(32) },
      model: 'gpt-public',
      stream: true,
      channel: { id: 'ch-1', name: 'oai', type: 'openai' },
      upstreamModel: 'gpt-upstream',
      attempts: 2,
      usage: { inputTokens: 12, outputTokens: 30, cacheReadTokens: 4, cacheWriteTokens: 0 },
      firstByteAt: trace.startedAt + 12.34,
      status: 200,
    });
    expect(accessLogEntry(trace, trace.startedAt + 56.78)).toEqual({
      request_id: 'req-1',
      route: 'chat_completions',
      format: 'openai',
      status: 200,
      key_id: 'key-42',
      model: 'gpt-public',
      stream: true,
      channel: 'oai',
      upstream_model: 'gpt-upstream',
      attempts: 2,
      latency_ms: 56.8,
      first_byte_ms: 12.3,
      input_tokens: 12,
      output_tokens: 30,
      cache_read_tokens: 4,
      late_error: null,
    });
  });

  it('should carry no key, key hash or header value, whatever the request held', () => {
    const trace = startTrace('req-2', 'messages', 'anthropic', secretHeaders);
    trace.key = {
      id: 'key-7',
      key_hash: 'cd'.repeat(32),
    } as unknown as typeof trace.key;
    trace.status = 401;
    const line = JSON.stringify(accessLogEntry(trace, trace.startedAt + 1));
    expect(line).not.toContain('sk-rm-secret-client-key');
    expect(line).not.toContain('cd'.repeat(32));
    expect(line).not.toContain('my app');
    expect(JSON.parse(line)).toMatchObject({ status: 401, key_id: 'key-7', first_byte_ms: null });
  });
});
