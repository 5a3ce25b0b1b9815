import { deadLetterRow, deadLetterViewOf, parkedPayloadOf } from './dead-letter.repository';

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

describe('deadLetterViewOf', () => {
  const row = {
    id: '7f0c1a52-3a3e-4c1e-9a55-0d6b1f3f2a10',
    msg_id: 'm',
    record_id: 'r',
    reason: '22023: refused',
    attempts: 3,
    parked_at: new Date('2025-11-20T10:00:00.000Z'),
  };

  it('should show the parked payload parsed back from its escaped JSON text', () => {
    const payload = deadLetterRow({
      msgId: 'm',
      recordId: 'r',
      payload: { model: 'a\u0000b', input_tokens: 5 },
      reason: 'r',
      attempts: 3,
    }).payload;

    expect(deadLetterViewOf({ ...row, payload })).toEqual({
      id: row.id,
      msg_id: 'm',
      record_id: 'r',
      reason: '22023: refused',
      attempts: 3,
      parked_at: '2025-11-20T10:00:00.000Z',
      record: { model: 'a\u0000b', input_tokens: 5 },
    });
  });

  it('should show the raw text of a payload that does not parse (cut at the bound)', () => {
    const payload = deadLetterRow({
      msgId: 'm',
      recordId: null,
      payload: { title: 'x'.repeat(300 * 1024) },
      reason: 'r',
      attempts: 1,
    }).payload;

    expect(deadLetterViewOf({ ...row, payload }).record).toBe(payload);
    expect(parkedPayloadOf('{"a":')).toBe('{"a":');
    expect(parkedPayloadOf('"not json"')).toBe('not json');
  });
});
