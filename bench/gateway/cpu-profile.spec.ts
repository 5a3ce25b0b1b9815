import { CpuProfile, topSelfTime } from './cpu-profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

// root → a → b, root → (idle), root → (garbage collector); `b` appears twice (two call sites, one function).
const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
    {
      id: 2,
      callFrame: frame('serve', 'file:///repo/dist/apps/ingress/src/formats/format.service.js', 9),
      children: [3],
    },
    { id: 3, callFrame: frame('parse', 'file:///repo/node_modules/zod/v4/core/parse.js', 41) },
    { id: 4, callFrame: frame('(idle)') },
    { id: 5, callFrame: frame('(garbage collector)') },
    { id: 6, callFrame: frame('parse', 'file:///repo/node_modules/zod/v4/core/parse.js', 41) },
    { id: 7, callFrame: frame('', 'file:///repo/dist/bench/x.js', 0) },
  ],
  // Each sample lasts the next delta: 3 → 3000 µs, 2 → 1000, 4 → 4000, 5 → 500, 6 → 1000, 7 → 500.
  samples: [3, 2, 4, 5, 6, 7, 4],
  timeDeltas: [0, 3000, 1000, 4000, 500, 1000, 500],
};

describe('topSelfTime', () => {
  it('should rank functions by self time, merging nodes of the same function and line', () => {
    expect(topSelfTime(profile)).toEqual([
      { location: 'parse (zod/v4/core/parse.js:42)', selfMs: 4, share: 4 / 6 },
      {
        location: 'serve (apps/ingress/src/formats/format.service.js:10)',
        selfMs: 1,
        share: 1 / 6,
      },
      { location: '(garbage collector)', selfMs: 0.5, share: 0.5 / 6 },
      { location: '(anonymous) (bench/x.js:1)', selfMs: 0.5, share: 0.5 / 6 },
    ]);
  });

  it('should keep idle time out of the ranking and out of the busy time shares are taken of', () => {
    const ranked = topSelfTime(profile);
    expect(ranked.some((entry) => entry.location.includes('idle'))).toBe(false);
    expect(ranked.reduce((sum, entry) => sum + entry.share, 0)).toBeCloseTo(1);
  });

  it('should count only the samples taken within the window', () => {
    // Sample times: 3 at 0, 2 at 3000, 4 at 4000, 5 at 8000, 6 at 8500, 7 at 9500, 4 at 10000 µs.
    expect(topSelfTime(profile, 20, { fromMicros: 3000, toMicros: 8000 })).toEqual([
      {
        location: 'serve (apps/ingress/src/formats/format.service.js:10)',
        selfMs: 1,
        share: 1 / 1.5,
      },
      { location: '(garbage collector)', selfMs: 0.5, share: 0.5 / 1.5 },
    ]);
  });

  it("should rank a WebAssembly module's unnamed functions as one line per module", () => {
    const wasm: CpuProfile = {
      startTime: 0,
      endTime: 3000,
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3, 4] },
        { id: 2, callFrame: frame('wasm-function[11212]', 'wasm://wasm/0241bbbe', 0) },
        { id: 3, callFrame: frame('wasm-function[979]', 'wasm://wasm/0241bbbe', 0) },
        { id: 4, callFrame: frame('wasm-function[20]', 'wasm://wasm/00034eea', 0) },
      ],
      // Two functions of one module (1 ms each), one of another (0.5 ms); the last sample has no duration.
      samples: [2, 3, 4, 2],
      timeDeltas: [0, 1000, 1000, 500],
    };
    expect(topSelfTime(wasm)).toEqual([
      { location: '(WebAssembly) (wasm://wasm/0241bbbe)', selfMs: 2, share: 2 / 2.5 },
      { location: '(WebAssembly) (wasm://wasm/00034eea)', selfMs: 0.5, share: 0.5 / 2.5 },
    ]);
  });

  it('should stop at the limit and cope with a profile without samples', () => {
    expect(topSelfTime(profile, 1)).toHaveLength(1);
    expect(topSelfTime({ ...profile, samples: undefined, timeDeltas: undefined })).toEqual([]);
  });
});
