// The one rule that decides what a `reset-mid-stream` fault lets through, for every upstream's frames.
import { frame, framesBeforeDrop, sse, type FrameRole } from './fake-upstream.stream';

function frames(roles: string): ReturnType<typeof frame>[] {
  const byLetter: Record<string, FrameRole> = { o: 'control', c: 'content', x: 'closing' };
  return [...roles].map((letter, i) => frame(byLetter[letter] ?? 'control', `${letter}${i}`));
}

function wires(list: ReturnType<typeof frame>[]): string {
  return list.map((f) => f.wire).join(' ');
}

describe('framesBeforeDrop', () => {
  it.each([
    // roles, afterChunks, frames written
    ['occcxx', undefined, 'o0 c1 c2 c3 x4 x5'],
    ['occcxx', 0, 'o0'],
    ['occcxx', 2, 'o0 c1 c2'],
    ['occcxx', 3, 'o0 c1 c2 c3'],
    ['occcxx', 9, 'o0 c1 c2 c3'],
    // Control frames after the last counted chunk go out; the next block's deltas do not.
    ['ooccooccoxx', 2, 'o0 o1 c2 c3 o4 o5'],
    ['ooccooccoxx', 9, 'o0 o1 c2 c3 o4 o5 c6 c7 o8'],
    ['cx', 0, ''],
  ])('%s with afterChunks %p writes "%s"', (roles, afterChunks, expected) => {
    expect(wires(framesBeforeDrop(frames(roles), afterChunks))).toBe(expected);
  });
});

describe('sse', () => {
  it('writes one data line, with the event line and line ending asked for', () => {
    expect(sse('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(sse('{}', { event: 'ping' })).toBe('event: ping\ndata: {}\n\n');
    expect(sse('{}', { lineEnd: '\r\n' })).toBe('data: {}\r\n\r\n');
  });
});
