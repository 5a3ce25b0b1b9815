// What one benchmark run measured, and how it is shown: a plain-text table (one row per scenario, target and
// load shape, with the latency relaymesh adds over the direct call) and the same figures as JSON.

export type Target = 'direct' | 'nginx' | 'node' | 'relaymesh' | 'portkey';

/** The floors a gateway's figures are divided by: one proxy hop in C (nginx) and in Node (node-floor.ts). */
export type FloorTarget = 'nginx' | 'node';

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
  /** CPU time (user + system) of all the gateway's processes per completed request; null for direct calls. */
  cpuMsPerRequest: number | null;
  /** The same for its data plane only: the ingress processes (in embedded mode, the one process). */
  ingressCpuMsPerRequest: number | null;
  cpuMsPerRequestByProcess: Record<string, number> | null;
  /** The kernel's share of that CPU time (syscalls, loopback TCP, wake-ups), all the gateway's processes. */
  systemCpuShare: number | null;
  /** Peak resident memory of the gateway's largest ingress process (embedded: the one process). */
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
  'ingress cpu',
  'sys %',
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
      m.ingressCpuMsPerRequest === null ? '' : ms(m.ingressCpuMsPerRequest, 3),
      m.systemCpuShare === null ? '' : Math.round(m.systemCpuShare * 100).toString(),
      m.peakRssMb === null ? '' : Math.round(m.peakRssMb).toString(),
      m.errors.toString(),
    ];
  });
}

/** The floor's measurement of the same scenario, method and connections, if it ran. */
function floorOf(
  m: Measurement,
  all: readonly Measurement[],
  floorTarget: FloorTarget,
): Measurement | undefined {
  return all.find(
    (f) =>
      f.target === floorTarget &&
      f.scenario === m.scenario &&
      f.method === m.method &&
      f.connections === m.connections,
  );
}

/** `value` as a multiple of `floor`; '-' where either is missing or the floor is too small to divide by. */
function times(value: number | null | undefined, floor: number | null | undefined, min: number) {
  // Missing, or not measured (a target whose every request failed has NaN latencies).
  if (!isMeasured(value) || !isMeasured(floor)) return '-';
  return floor < min ? '-' : `${(value / floor).toFixed(1)}x`;
}

function isMeasured(figure: number | null | undefined): figure is number {
  return typeof figure === 'number' && Number.isFinite(figure);
}

export const FLOOR_HEADER = [
  'scenario',
  'target',
  'shape',
  'req/s',
  'cpu ms/req',
  'added p50',
  'added p99',
  'added ttfb',
  'rss MB',
] as const;

/**
 * Every gateway figure as a multiple of a floor's (nginx's, or the Node floor's) in the same run, for the
 * targets above that floor (the Node floor is itself shown against nginx's): throughput as the floor's over the
 * gateway's (how many times slower), the rest as the gateway's over the floor's. Latency is the added part
 * (over the direct call) of each; a floor under 0.01 ms added, or whole-ms load latencies of 0, divide
 * nothing ('-').
 */
export function floorRows(
  measurements: readonly Measurement[],
  floorTarget: FloorTarget = 'nginx',
): string[][] {
  const below: Target[] =
    floorTarget === 'nginx' ? ['direct', 'nginx'] : ['direct', 'nginx', 'node'];
  const rows: string[][] = [];
  for (const m of measurements) {
    if (below.includes(m.target)) continue;
    const floor = floorOf(m, measurements, floorTarget);
    if (!floor) continue;
    const added = addedOverDirect(m, measurements);
    const floorAdded = addedOverDirect(floor, measurements);
    rows.push([
      m.scenario,
      m.target,
      m.method === 'probe' ? 'sequential' : `${m.connections} conn`,
      times(floor.rps, m.rps, 1),
      times(m.cpuMsPerRequest, floor.cpuMsPerRequest, 0.001),
      times(added?.p50, floorAdded?.p50, 0.01),
      times(added?.p99, floorAdded?.p99, 0.01),
      times(added?.firstByteP50, floorAdded?.firstByteP50, 0.01),
      times(m.peakRssMb, floor.peakRssMb, 1),
    ]);
  }
  return rows;
}

/** Columns padded to their widest cell: text left-aligned, numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const numeric = header.map((_, i) =>
    rows.every((row) => /^[-+]?[\d.]*x?$/.test(row[i] ?? '') || row[i] === '-'),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Requests ingress counted (its own metric) against the records the ledger holds after the run. */
export interface UsageAccount {
  requestsServed: number;
  records: number;
}

export interface TargetCheck {
  target: string;
  goal: string;
  measured: string;
  /** null: not measured in this run (scenario skipped, no baseline). */
  met: boolean | null;
}

function find(
  all: readonly Measurement[],
  scenario: string,
  target: Measurement['target'],
  method: Measurement['method'],
  connections: number,
): Measurement | undefined {
  return all.find(
    (m) =>
      m.scenario === scenario &&
      m.target === target &&
      m.method === method &&
      (method === 'probe' || m.connections === connections),
  );
}

/**
 * The targets of issue 20, each checked against this run's figures. CPU and memory are judged on the shape
 * each is set for: all of relaymesh's processes (embedded: the one), and ingress alone in distributed mode.
 */
export function evaluateTargets(
  all: readonly Measurement[],
  usage: UsageAccount | null,
  mode: 'embedded' | 'distributed' = 'embedded',
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const chat16 = find(all, 'chat', 'relaymesh', 'load', 16);
  const portkey16 = find(all, 'chat', 'portkey', 'load', 16);
  checks.push({
    target: 'throughput at 16 connections',
    goal: portkey16 ? `>= 4x Portkey (${Math.round(portkey16.rps)} req/s)` : '>= 4x Portkey',
    measured: chat16 ? `${Math.round(chat16.rps)} req/s` : '-',
    met: chat16 && portkey16 ? chat16.rps >= 4 * portkey16.rps : null,
  });
  const cpu = chat16?.cpuMsPerRequest ?? null;
  checks.push({
    target: 'CPU per non-stream request (all processes, 16 conn)',
    goal: '<= 0.200 ms',
    measured: cpu === null ? '-' : `${cpu.toFixed(3)} ms`,
    met: cpu === null ? null : cpu <= 0.2,
  });
  const ingressCpu = mode === 'distributed' ? (chat16?.ingressCpuMsPerRequest ?? null) : null;
  checks.push({
    target: 'CPU per non-stream request (ingress alone, 16 conn)',
    goal: '<= 0.150 ms (distributed)',
    measured: ingressCpu === null ? '-' : `${ingressCpu.toFixed(3)} ms`,
    met: ingressCpu === null ? null : ingressCpu <= 0.15,
  });
  const sequential = find(all, 'sequential', 'relaymesh', 'probe', 1);
  const sequentialAdded = sequential ? addedOverDirect(sequential, all) : null;
  checks.push({
    target: 'sequential added latency',
    goal: 'p50 <= 0.3 ms, p99 <= 1.5 ms',
    measured: sequentialAdded
      ? `p50 ${signed(sequentialAdded.p50)} ms, p99 ${signed(sequentialAdded.p99)} ms`
      : '-',
    met: sequentialAdded ? sequentialAdded.p50 <= 0.3 && sequentialAdded.p99 <= 1.5 : null,
  });
  for (const scenario of ['chat-stream', 'messages-stream', 'messages-to-openai']) {
    const probe = find(all, scenario, 'relaymesh', 'probe', 1);
    const added = probe ? (addedOverDirect(probe, all)?.firstByteP50 ?? null) : null;
    checks.push({
      target: `${scenario}: added time to first byte`,
      goal: 'p50 <= 0.5 ms',
      measured: added === null ? '-' : `${signed(added)} ms`,
      met: added === null ? null : added <= 0.5,
    });
  }
  const passThrough = find(all, 'messages-stream', 'relaymesh', 'load', 16);
  const translated = find(all, 'messages-to-openai', 'relaymesh', 'load', 16);
  const ratio =
    passThrough?.ingressCpuMsPerRequest && translated?.ingressCpuMsPerRequest
      ? translated.ingressCpuMsPerRequest / passThrough.ingressCpuMsPerRequest
      : null;
  checks.push({
    target: 'cross-format stream CPU vs pass-through',
    goal: '<= 2x',
    measured: ratio === null ? '-' : `${ratio.toFixed(2)}x`,
    met: ratio === null ? null : ratio <= 2,
  });
  const chat64 = find(all, 'chat', 'relaymesh', 'load', 64);
  const rssGoal = mode === 'embedded' ? 300 : 120;
  checks.push({
    target: `${mode === 'embedded' ? 'embedded' : 'ingress'} peak RSS at 64 connections`,
    goal: `<= ${rssGoal} MB`,
    measured: chat64?.peakRssMb ? `${Math.round(chat64.peakRssMb)} MB` : '-',
    met: chat64?.peakRssMb ? chat64.peakRssMb <= rssGoal : null,
  });
  checks.push({
    target: 'no usage record lost',
    goal: 'ledger records = requests ingress served',
    measured: usage ? `${usage.records} records / ${usage.requestsServed} requests` : '-',
    met: usage ? usage.records === usage.requestsServed : null,
  });
  return checks;
}

export function formatTargets(checks: readonly TargetCheck[]): string {
  return formatTable(
    ['target', 'goal', 'measured', 'met'],
    checks.map((c) => [
      c.target,
      c.goal,
      c.measured,
      c.met === null ? 'n/a' : c.met ? 'yes' : 'NO',
    ]),
  );
}
