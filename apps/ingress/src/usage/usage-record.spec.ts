import { KeyRecord } from '@relaymesh/contracts';
import { RequestTrace, startTrace } from '../http/request-trace';
import { toUsageRecord } from './usage-record';

const ID = '6f1c1b1e-7d4a-4c39-9d8e-2b1f0f6a3c11';

function trace(overrides: Partial<RequestTrace> = {}): RequestTrace {
  const base = startTrace('req-1', 'chat_completions', 'openai', {
    'http-referer': 'https://app.example',
    'x-title': 'Example App',
  });
  return Object.assign(
    base,
    { receivedAt: Date.parse('2030-01-01T00:00:00Z'), startedAt: 1000 },
    overrides,
  );
}

const key = { id: 'key-1' } as KeyRecord;

describe('toUsageRecord', () => {
  it('should normalise what the client chose (model, request id, title, referer) into storable text', () => {
    const record = toUsageRecord(
      trace({
        key,
        requestId: 'r\u0000',
        model: `a\u0000b${'m'.repeat(1 << 20)}`,
        title: '\ud800',
        referer: 'https://x/\r\n',
      }),
      ID,
      2000,
    );

    expect(record).toMatchObject({
      request_id: 'r\ufffd',
      title: '\ufffd',
      referer: 'https://x/\ufffd\ufffd',
    });
    expect(record?.model).toHaveLength(300);
    expect(record?.model?.startsWith('a\ufffdbmmm')).toBe(true);
  });

  it('should record the hosted tools a translation dropped, and no field when none was', () => {
    const dropped = toUsageRecord(
      trace({ key, droppedTools: ['file_search', 'code_interpreter'] }),
      ID,
      2000,
    );
    expect(dropped?.dropped_tools).toEqual(['file_search', 'code_interpreter']);
    expect(toUsageRecord(trace({ key }), ID, 2000)).not.toHaveProperty('dropped_tools');
  });

  it('should not meter a request without an authenticated key', () => {
    expect(toUsageRecord(trace(), ID, 2000)).toBeNull();
  });

  it('should carry what the request did, with latency and time to first byte from its start', () => {
    const record = toUsageRecord(
      trace({
        key,
        model: 'fast',
        upstreamModel: 'gpt-5-mini',
        stream: true,
        channel: { id: 'ch-1', name: 'openai-main', type: 'openai' },
        attempts: 2,
        attemptLog: [
          {
            channel_id: 'ch-0',
            model: 'fast',
            upstream_model: 'gpt-5-mini',
            status: 500,
            error_class: 'server',
            started_ms: 0.0004,
            duration_ms: 12.34567,
          },
          {
            channel_id: 'ch-1',
            model: 'fast',
            upstream_model: 'gpt-5-mini',
            status: 200,
            error_class: 'none',
            started_ms: 12.5,
            duration_ms: 780,
          },
        ],
        usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 100, cacheWriteTokens: 5 },
        firstByteAt: 1250.5,
        status: 200,
      }),
      ID,
      1800.25,
    );

    expect(record).toEqual({
      id: ID,
      request_id: 'req-1',
      key_id: 'key-1',
      channel_id: 'ch-1',
      model: 'fast',
      upstream_model: 'gpt-5-mini',
      format: 'openai',
      route: 'chat_completions',
      stream: true,
      input_tokens: 120,
      output_tokens: 30,
      cache_read_tokens: 100,
      cache_write_tokens: 5,
      status: 200,
      late_error: null,
      latency_ms: 800.25,
      ttft_ms: 250.5,
      referer: 'https://app.example',
      title: 'Example App',
      attempts: 2,
      // Each attempt as the request explorer shows it, times rounded to the microsecond like the record's.
      attempt_log: [
        {
          channel_id: 'ch-0',
          model: 'fast',
          upstream_model: 'gpt-5-mini',
          status: 500,
          error_class: 'server',
          started_ms: 0,
          duration_ms: 12.346,
        },
        {
          channel_id: 'ch-1',
          model: 'fast',
          upstream_model: 'gpt-5-mini',
          status: 200,
          error_class: 'none',
          started_ms: 12.5,
          duration_ms: 780,
        },
      ],
      created_at: '2030-01-01T00:00:00.000Z',
    });
  });

  it('should record a failure, or a stream cut before any usage, with zero tokens and its status', () => {
    const failed = toUsageRecord(trace({ key, model: 'fast', status: 502, attempts: 3 }), ID, 1500);
    const cut = toUsageRecord(
      trace({ key, model: 'fast', status: 200, lateError: 'reset', firstByteAt: 1100 }),
      ID,
      1500,
    );

    expect(failed).toMatchObject({
      status: 502,
      input_tokens: 0,
      output_tokens: 0,
      ttft_ms: null,
      channel_id: null,
    });
    expect(cut).toMatchObject({ status: 200, late_error: 'reset', input_tokens: 0, ttft_ms: 100 });
  });
});
