import { deadLetterRow } from './dead-letter.repository';

describe('deadLetterRow', () => {
  it('should keep the payload as JSON text with NULs and lone surrogates escaped (always storable)', () => {
    const row = deadLetterRow({
      msgId: 'm\u0000',
      recordId: 'r',
      payload: { model: 'a\u0000b', title: '\ud800' },
      reason: 'unsupported Unicode escape sequence: \u0000',
      attempts: 3,
    });

    expect(row.payload).toBe('{"model":"a\\u0000b","title":"\\ud800"}');
    expect(JSON.parse(row.payload)).toEqual({ model: 'a\u0000b', title: '\ud800' });
    expect(row.msg_id).toBe('m\ufffd');
    expect(row.reason).not.toContain('\u0000');
    expect(row.attempts).toBe(3);
  });

  it('should keep the raw text of a message that was no JSON as a JSON string', () => {
    const row = deadLetterRow({
      msgId: 'm',
      recordId: null,
      payload: 'not json \u0000',
      reason: 'r',
      attempts: 1,
    });

    expect(JSON.parse(row.payload)).toBe('not json \u0000');
    expect(row.record_id).toBeNull();
  });

  it('should bound the payload', () => {
    const row = deadLetterRow({
      msgId: 'm',
      recordId: null,
      payload: 'x'.repeat(1 << 20),
      reason: 'r'.repeat(10_000),
      attempts: 1,
    });

    expect(row.payload.length).toBeLessThanOrEqual(256 * 1024);
    expect(row.reason.length).toBeLessThanOrEqual(2000);
  });
});
