import { REPLACEMENT_CHARACTER as R, storableText } from './storable-text';

describe('storableText', () => {
  it.each([
    ['plain text unchanged', 'gpt-5-mini', 'gpt-5-mini'],
    ['non-ASCII and pairs kept', 'modèle-😀-模型', 'modèle-😀-模型'],
    ['NUL replaced', 'a\u0000b', `a${R}b`],
    ['CR, LF and tab replaced', 'a\r\nb\tc', `a${R}${R}b${R}c`],
    ['DEL and C1 controls replaced', 'a\u007fb\u0085c', `a${R}b${R}c`],
    ['a lone high surrogate replaced', '\ud800', R],
    ['a lone low surrogate replaced', 'x\udc00y', `x${R}y`],
    ['a high surrogate followed by another high one', '\ud800\ud83d\ude00', `${R}😀`],
    ['two lows in a row after a pair', '\ud83d\ude00\ude00', `😀${R}`],
    ['empty stays empty', '', ''],
  ])('%s', (_, input, expected) => {
    expect(storableText(input, 100)).toBe(expected);
  });

  it('should cut to the length, never between the halves of a pair', () => {
    expect(storableText('abcdef', 3)).toBe('abc');
    expect(storableText('ab😀', 3)).toBe('ab');
    expect(storableText('ab😀', 4)).toBe('ab😀');
  });

  it('should bound a megabyte string without keeping it', () => {
    const huge = `${'\u0000'.repeat(10)}${'m'.repeat(1 << 20)}`;
    const text = storableText(huge, 300);
    expect(text).toHaveLength(300);
    expect(text.startsWith(R.repeat(10))).toBe(true);
  });

  it('should be idempotent', () => {
    for (const input of ['a\u0000b', '\ud800x', 'ab😀cd', 'x'.repeat(50), '\udfff\ud800']) {
      const once = storableText(input, 7);
      expect(storableText(once, 7)).toBe(once);
    }
  });

  it('should leave nothing Postgres refuses: no NUL, well-formed UTF-16', () => {
    const units = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 0x10000));
    const text = storableText(units.join(''), 5000);
    expect(text).not.toContain('\u0000');
    // encodeURIComponent throws a URIError on a lone surrogate.
    expect(() => encodeURIComponent(text)).not.toThrow();
  });
});
