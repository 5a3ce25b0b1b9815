import { JsonBodyError, MAX_JSON_DEPTH, nestsDeeperThan, parseJsonBody } from './json-body';

const nested = (depth: number, open = '[', close = ']') =>
  `${open.repeat(depth)}1${close.repeat(depth)}`;

describe('nestsDeeperThan', () => {
  it.each([
    ['a flat object', '{"a":1,"b":[1,2]}', 2, false],
    ['exactly the limit', nested(3), 3, false],
    ['one past the limit', nested(4), 3, true],
    ['objects count like arrays', '{"a":{"b":{"c":{}}}}', 3, true],
    ['brackets inside strings do not count', '{"a":"[[[[{{{{"}', 1, false],
    ['an escaped quote does not end a string', '{"a":"\\"[[[["}', 1, false],
    ['an escaped backslash before the closing quote ends it', '{"a":"\\\\","b":[[[1]]]}', 2, true],
    ['siblings do not add up', '[[1],[2],[3],[4]]', 2, false],
    ['an unterminated string is left to JSON.parse', '{"a":"[[[[', 1, false],
  ])('%s', (_, text, limit, expected) => {
    expect(nestsDeeperThan(text, limit)).toBe(expected);
  });
});

describe('parseJsonBody', () => {
  it('should parse a body nested up to the limit', () => {
    expect(parseJsonBody(`{"x":${nested(MAX_JSON_DEPTH - 1)}}`)).toHaveProperty('x');
  });

  it.each([
    ['an array', '['],
    ['an object', '{"a":'],
  ])('should refuse %s nested 10^5 deep inside a field, naming the limit', (_, open) => {
    const close = open === '[' ? ']' : '}';
    const body = `{"model":"m","messages":[],"x":${nested(100_000, open, close)}}`;
    expect(() => parseJsonBody(body)).toThrow(JsonBodyError);
    expect(() => parseJsonBody(body)).toThrow(`deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('should refuse one level past the limit', () => {
    expect(() => parseJsonBody(`{"x":${nested(MAX_JSON_DEPTH)}}`)).toThrow(JsonBodyError);
  });

  it.each([
    ['empty', '', 'Body cannot be empty'],
    ['malformed', '{"a":', 'Body is not valid JSON'],
    ['__proto__ keys', '{"__proto__":{"x":1}}', 'Body is not valid JSON'],
  ])('should refuse a body that is %s with Fastify’s wording', (_, text, message) => {
    expect(() => parseJsonBody(text)).toThrow(message);
  });
});
