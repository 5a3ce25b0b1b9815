// What one benchmark run measured, and how it is shown: a plain-text table (one row per scenario, target and
// load shape, with the latency relaymesh adds over the direct call) and the same figures as JSON.

export type Target = 'direct' | 'relaymesh' | 'portkey';

export interface Percentiles {
  p50: number;
  p99: number;
}

export interface Measurement {
  /** Scenario id, e.g. `chat`, `chat-stream`. */
  scenario: string;
  target: Target;
  /** `load`: autocannon, N connections for a while (latency in whole ms). `probe`: one connection, hrtime. */
  method: 'load' | 'probe';
  connections: number;
  seconds: number;
  /** Completed responses. */
  requests: number;
  rps: number;
  /** To the last byte of the answer. */
  latencyMs: Percentiles;
  /** To the first byte of the body (probe only: autocannon cannot tell). */
  firstByteMs: Percentiles | null;
  /** Connection errors, timeouts, non-2xx answers and answers that did not end as the format ends. */
  errors: number;
  /** CPU time (user + system) of the gateway's processes per completed request; null for direct calls. */
  cpuMsPerRequest: number | null;
  cpuMsPerRequestByProcess: Record<string, number> | null;
  /** Peak resident memory of the gateway's busiest process during the measurement. */
  peakRssMb: number | null;
  peakRssMbByProcess: Record<string, number> | null;
}

export interface Added {
  p50: number;
  p99: number;
  firstByteP50: number | null;
}

/** Gateway latency minus the direct call's, for the same scenario, method and connections. */
export function addedOverDirect(m: Measurement, all: readonly Measurement[]): Added | null {
  if (m.target === 'direct') return null;
  const direct = all.find(
    (d) =>
      d.target === 'direct' &&
      d.scenario === m.scenario &&
      d.method === m.method &&
      d.connections === m.connections,
  );
  if (!direct) return null;
  return {
    p50: m.latencyMs.p50 - direct.latencyMs.p50,
    p99: m.latencyMs.p99 - direct.latencyMs.p99,
    firstByteP50:
      m.firstByteMs && direct.firstByteMs ? m.firstByteMs.p50 - direct.firstByteMs.p50 : null,
  };
}

function ms(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function signed(value: number | null | undefined): string {
  const text = ms(value);
  return value !== null && value !== undefined && value >= 0 ? `+${text}` : text;
}

export const TABLE_HEADER = [
  'scenario',
  'target',
  'shape',
  'req/s',
  'p50 ms',
  'p99 ms',
  'added p50',
  'added p99',
  'ttfb p50',
  'added ttfb',
  'cpu ms/req',
  'rss MB',
  'errors',
] as const;

export function tableRows(measurements: readonly Measurement[]): string[][] {
  return measurements.map((m) => {
    const added = addedOverDirect(m, measurements);
    return [
      m.scenario,
      m.target,
      m.method === 'probe' ? 'sequential' : `${m.connections} conn`,
      Math.round(m.rps).toString(),
      ms(m.latencyMs.p50),
      ms(m.latencyMs.p99),
      added ? signed(added.p50) : '',
      added ? signed(added.p99) : '',
      ms(m.firstByteMs?.p50),
      added && added.firstByteP50 !== null ? signed(added.firstByteP50) : '',
      m.cpuMsPerRequest === null ? '' : ms(m.cpuMsPerRequest, 3),
      m.peakRssMb === null ? '' : Math.round(m.peakRssMb).toString(),
      m.errors.toString(),
    ];
  });
}

/** Columns padded to their widest cell: text left-aligned, numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const numeric = header.map((_, i) =>
    rows.every((row) => /^[-+]?[\d.]*$/.test(row[i] ?? '') || row[i] === '-'),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
