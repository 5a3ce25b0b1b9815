import { JsonShapeLimits, jsonShapeFault, withinShapeBound } from './json-shape';

const limits: JsonShapeLimits = { maxDepth: 4, maxCost: 100 };
const shape = (text: string, over: Partial<JsonShapeLimits> = {}) =>
  jsonShapeFault(Buffer.from(text), { ...limits, ...over });

describe('jsonShapeFault', () => {
  it.each<[string, string]>([
    ['an answer of ordinary shape', '{"a":[1,2.5,"x",true,null],"b":{"c":"d"}}'],
    ['brackets inside strings', '{"a":"[[[[[[[[[[{{{{{{{"}'],
    ['escaped quotes inside strings', '{"a":"\\"[[[[[[[\\""}'],
    ['exactly the deepest nesting allowed', '[[[[1]]]]'],
    ['a bare scalar', '42'],
  ])('should pass %s', (_, text) => {
    expect(shape(text)).toBeNull();
  });

  it('should refuse nesting past the limit', () => {
    expect(shape('[[[[[1]]]]]')).toBe('too_deep');
    expect(shape('{"a":{"b":{"c":{"d":{"e":1}}}}}')).toBe('too_deep');
  });

  it('should cost containers, heap values and small values apart', () => {
    // 1 array (4) + 96 small integers (1 each) = 100: the budget exactly.
    expect(shape(`[${Array(96).fill('0').join(',')}]`)).toBeNull();
    expect(shape(`[${Array(97).fill('0').join(',')}]`)).toBe('too_many_values');
    // Floats and strings cost 2: 48 fit beside the array.
    expect(shape(`[${Array(48).fill('0.5').join(',')}]`)).toBeNull();
    expect(shape(`[${Array(49).fill('1e3').join(',')}]`)).toBe('too_many_values');
    expect(shape(`[${Array(49).fill('"s"').join(',')}]`)).toBe('too_many_values');
    // Objects cost 4: 24 empty ones and their array.
    expect(shape(`[${Array(24).fill('{}').join(',')}]`)).toBeNull();
    expect(shape(`[${Array(25).fill('{}').join(',')}]`)).toBe('too_many_values');
    // true and false are small values, not numbers with an exponent.
    expect(shape(`[${Array(96).fill('true').join(',')}]`)).toBeNull();
  });

  it('should stop at the first byte past a limit, however long the text', () => {
    const bomb = Buffer.from('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(jsonShapeFault(bomb, { maxDepth: 128, maxCost: 1e9 })).toBe('too_deep');
  });
});

describe('withinShapeBound', () => {
  const within = (text: string, over: Partial<JsonShapeLimits> = {}) =>
    withinShapeBound(Buffer.from(text), { ...limits, ...over });

  it('should take an ordinary answer without the scan', () => {
    const answer =
      '{"id":"c1","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":3}}';
    expect(within(answer, { maxDepth: 128, maxCost: 4096 })).toBe(true);
  });

  it('should leave to the scan a text that could be too deep or too costly', () => {
    // Five opening brackets (inside a string too) against a depth of 4: only the scan can tell.
    expect(within('{"a":"[[[["}')).toBe(false);
    // 26 bytes could cost 104 units against 100.
    expect(within(`[${'0,'.repeat(12)}0]`)).toBe(false);
  });

  it('should never pass a text the scan refuses', () => {
    const texts = [
      '[[[[[1]]]]]',
      `[${Array(25).fill('{}').join(',')}]`,
      `[${Array(97).fill('0').join(',')}]`,
      `[${Array(49).fill('"s"').join(',')}]`,
      '{"a":{"b":{"c":{"d":{"e":1}}}}}',
    ];
    for (const text of texts) {
      for (const maxCost of [10, 50, 100, 400, 1000]) {
        const bytes = Buffer.from(text);
        const scanned = jsonShapeFault(bytes, { ...limits, maxCost });
        if (scanned !== null) expect(withinShapeBound(bytes, { ...limits, maxCost })).toBe(false);
      }
    }
  });
});
