import { REPLACEMENT_CHARACTER as R } from '../text/storable-text';
import {
  USAGE_TEXT_LIMITS,
  UsageRecord,
  UsageRecordSchema,
  normaliseUsageRecord,
} from './usage-recorded';

const record: UsageRecord = {
  id: '0b6f2f55-3a55-4c5e-9a53-8d1f0b1e2c3d',
  request_id: 'req-1',
  key_id: '5f0c1c2e-8f3a-4a57-9d8e-2b1c0a9e8f7d',
  channel_id: 'channel-1',
  model: 'gpt-5-mini',
  upstream_model: 'gpt-5-mini-2025',
  format: 'openai',
  route: 'chat_completions',
  stream: false,
  input_tokens: 10,
  output_tokens: 5,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  status: 200,
  late_error: null,
  latency_ms: 1.5,
  ttft_ms: null,
  referer: null,
  title: null,
  attempts: 1,
  created_at: '2026-01-01T00:00:00.000Z',
};

/** Every text field set to a hostile value: a NUL, a lone surrogate, and far too long. */
const hostile: UsageRecord = {
  ...record,
  request_id: `r\u0000${'x'.repeat(10_000)}`,
  key_id: 'k\ud800',
  channel_id: 'c\r\n',
  model: `a\u0000b${'m'.repeat(1 << 20)}`,
  upstream_model: '\udc00',
  format: 'f\u0000',
  route: 'r\u0000',
  late_error: 'e\u0000',
  referer: `https://x/\ud800${'y'.repeat(1000)}`,
  title: 't\u0000',
};

describe('the usage record contract', () => {
  it('should leave a normal record as it is, at the source and at the edge', () => {
    expect(normaliseUsageRecord(record)).toEqual(record);
    expect(UsageRecordSchema.parse(record)).toEqual(record);
  });

  it('should normalise every text field at the source, within its limit', () => {
    const normalised = normaliseUsageRecord(hostile);
    for (const [field, limit] of Object.entries(USAGE_TEXT_LIMITS)) {
      const value = normalised[field as keyof typeof USAGE_TEXT_LIMITS] ?? '';
      expect(value.length).toBeLessThanOrEqual(limit);
      expect(value).not.toMatch(/[\u0000-\u001f]/);
      expect(() => encodeURIComponent(value)).not.toThrow();
    }
    expect(normalised.model?.startsWith(`a${R}b`)).toBe(true);
    expect(normalised.key_id).toBe(`k${R}`);
  });

  it('should normalise at the edge exactly as at the source (one definition)', () => {
    expect(UsageRecordSchema.parse(hostile)).toEqual(normaliseUsageRecord(hostile));
    expect(UsageRecordSchema.parse(normaliseUsageRecord(hostile))).toEqual(
      normaliseUsageRecord(hostile),
    );
  });

  it('should keep the dropped tools of a record, each storable, and no more than the bound', () => {
    const named = { ...record, dropped_tools: ['file_search', 'code_interpreter'] };
    expect(UsageRecordSchema.parse(named)).toEqual(named);
    const many = {
      ...record,
      dropped_tools: [`x\u0000${'y'.repeat(500)}`, ...Array(99).fill('t')],
    };
    const normalised = normaliseUsageRecord(many);
    expect(normalised.dropped_tools).toHaveLength(32);
    expect(normalised.dropped_tools?.[0]).toMatch(/^x\uFFFDy+$/);
    expect(normalised.dropped_tools?.[0].length).toBeLessThanOrEqual(100);
    expect(UsageRecordSchema.parse(many)).toEqual(normalised);
  });

  it.each([
    ['a status beyond an HTTP status', { status: 3_000_000_000 }],
    ['attempts beyond a Postgres integer', { attempts: 2 ** 31 }],
    ['negative tokens', { input_tokens: -1 }],
    ['the year 0000, which Postgres does not have', { created_at: '0000-01-01T00:00:00Z' }],
    ['an empty request id', { request_id: '' }],
  ])('should refuse %s (it breaks the contract)', (_, change) => {
    expect(UsageRecordSchema.safeParse({ ...record, ...change }).success).toBe(false);
  });
});
