import { JsonShapeLimits, jsonShapeFault } from './json-shape';

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
