// Reads a V8 CPU profile (`node --cpu-prof` writes one `.cpuprofile` per process at exit) and ranks functions
// by self time: where the process's own cycles went, which is what the hot-path work cuts.

/** The parts of the `.cpuprofile` JSON (Chrome DevTools Profile) that are used here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    hitCount?: number;
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  /** The node id sampled at each tick. */
  samples?: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas?: number[];
}

export interface SelfTimeEntry {
  /** `name (file:line)`, the file shortened to what follows node_modules/ or dist/. */
  location: string;
  selfMs: number;
  /** Share of the busy time: every sample but `(idle)` (GC and V8's own work count as busy). */
  share: number;
}

/** Functions V8 reports that are not JavaScript being run. */
const NOT_CODE = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url: string): string {
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return url.slice(nodeModules + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** Microseconds on the monotonic clock that V8's profiler and `process.hrtime` share on Linux. */
export interface ProfileWindow {
  fromMicros: number;
  toMicros: number;
}

/**
 * Self time per function (every node of the same function, file and line summed), busiest first, as a share
 * of the process's busy time. The garbage collector and `(program)` (V8 and native work outside any JS
 * function) are listed like functions, being cost too; `(idle)` is not. With a window, only the samples taken
 * within it count (the load, not the start-up).
 */
export function topSelfTime(
  profile: CpuProfile,
  limit = 20,
  window?: ProfileWindow,
): SelfTimeEntry[] {
  const byNode = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    // Delta i is the gap before sample i, so sample i lasted until the next one: delta i+1.
    at += deltas[i] ?? 0;
    if (window && (at < window.fromMicros || at > window.toMicros)) continue;
    const micros = deltas[i + 1] ?? 0;
    byNode.set(samples[i], (byNode.get(samples[i]) ?? 0) + Math.max(0, micros));
  }
  let busy = 0;
  const byLocation = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = byNode.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || micros === 0) continue;
    busy += micros;
    const name = functionName || '(anonymous)';
    // A WebAssembly module's functions have no names (PGlite's Postgres, undici's llhttp): one line per
    // module, which says how much of the process the module took.
    const location = url.startsWith('wasm://')
      ? `(WebAssembly) (${url})`
      : NOT_CODE.has(name) || !url
        ? name
        : `${name} (${shortUrl(url)}:${lineNumber + 1})`;
    byLocation.set(location, (byLocation.get(location) ?? 0) + micros);
  }
  return [...byLocation.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([location, micros]) => ({
      location,
      selfMs: micros / 1000,
      share: busy > 0 ? micros / busy : 0,
    }));
}
