import { AdminError } from '@relaymesh/contracts';
import { replayableRecord } from './dead-letter.service';

const RECORD = {
  id: '2b1c7a52-3a3e-4c1e-9a55-0d6b1f3f2a10',
  request_id: 'req-1',
  key_id: '5d0c1a52-3a3e-4c1e-9a55-0d6b1f3f2a10',
  channel_id: 'channel-1',
  model: 'm',
  upstream_model: 'm',
  format: 'openai',
  route: 'chat_completions',
  stream: false,
  input_tokens: 10,
  output_tokens: 2,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  status: 200,
  late_error: null,
  latency_ms: 1,
  ttft_ms: null,
  referer: null,
  title: null,
  attempts: 1,
  created_at: '2025-11-20T10:00:00.000Z',
};

describe('replayableRecord', () => {
  it('should normalise the text fields of a parked record as the consumer does', () => {
    const record = replayableRecord({ ...RECORD, model: 'a\u0000b', title: '\ud800' });

    expect(record).toEqual({ ...RECORD, model: 'a\ufffdb', title: '\ufffd' });
  });

  it.each([
    ['a record breaking the contract', { ...RECORD, input_tokens: -5 }, 'input_tokens'],
    ['the raw text of a message that was no JSON', 'not json', 'expected object'],
    ['a payload cut at the bound', '{"id":"2b1c', 'expected object'],
  ])('should refuse %s with a 400 that says why', (_what, payload, says) => {
    let refusal: unknown;
    try {
      replayableRecord(payload);
    } catch (err) {
      refusal = err;
    }

    expect(refusal).toBeInstanceOf(AdminError);
    expect((refusal as AdminError).status).toBe(400);
    expect((refusal as AdminError).message).toContain(says);
  });
});
