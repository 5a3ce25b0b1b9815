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
      { location: 'parse (zod/v4/core/parse.js:42)', selfMs: 4, share: 0.4 },
      { location: 'serve (apps/ingress/src/formats/format.service.js:10)', selfMs: 1, share: 0.1 },
      { location: '(garbage collector)', selfMs: 0.5, share: 0.05 },
      { location: '(anonymous) (bench/x.js:1)', selfMs: 0.5, share: 0.05 },
    ]);
  });

  it('should keep idle time out of the ranking but in the total', () => {
    const ranked = topSelfTime(profile);
    expect(ranked.some((entry) => entry.location.includes('idle'))).toBe(false);
    expect(ranked.reduce((sum, entry) => sum + entry.share, 0)).toBeCloseTo(0.6);
  });

  it('should stop at the limit and cope with a profile without samples', () => {
    expect(topSelfTime(profile, 1)).toHaveLength(1);
    expect(topSelfTime({ ...profile, samples: undefined, timeDeltas: undefined })).toEqual([]);
  });
});
