import {
  Measurement,
  TABLE_HEADER,
  addedOverDirect,
  evaluateTargets,
  formatTable,
  formatTargets,
  tableRows,
} from './report';

function measurement(overrides: Partial<Measurement>): Measurement {
  return {
    scenario: 'chat',
    target: 'direct',
    method: 'probe',
    connections: 1,
    seconds: 2,
    requests: 1000,
    rps: 500,
    latencyMs: { p50: 0.2, p99: 0.5 },
    firstByteMs: { p50: 0.15, p99: 0.4 },
    errors: 0,
    cpuMsPerRequest: null,
    ingressCpuMsPerRequest: null,
    cpuMsPerRequestByProcess: null,
    systemCpuShare: null,
    peakRssMb: null,
    peakRssMbByProcess: null,
    ...overrides,
  };
}

const direct = measurement({});
const relay = measurement({
  target: 'relaymesh',
  rps: 400.4,
  latencyMs: { p50: 0.35, p99: 1.25 },
  firstByteMs: { p50: 0.3, p99: 1 },
  cpuMsPerRequest: 0.0912,
  ingressCpuMsPerRequest: 0.0812,
  systemCpuShare: 0.456,
  peakRssMb: 101.6,
});
const relayLoad = measurement({
  target: 'relaymesh',
  method: 'load',
  connections: 16,
  rps: 8123.4,
  latencyMs: { p50: 2, p99: 5 },
  firstByteMs: null,
  errors: 3,
});

describe('addedOverDirect', () => {
  it('should subtract the direct call of the same scenario, method and connections', () => {
    const added = addedOverDirect(relay, [direct, relay]);
    expect(added!.p50).toBeCloseTo(0.15);
    expect(added!.p99).toBeCloseTo(0.75);
    expect(added!.firstByteP50).toBeCloseTo(0.15);
  });

  it('should have nothing to add for a direct call or a gateway call without its direct twin', () => {
    expect(addedOverDirect(direct, [direct, relay])).toBeNull();
    expect(addedOverDirect(relayLoad, [direct, relay, relayLoad])).toBeNull();
    expect(addedOverDirect(relay, [relay, measurement({ scenario: 'other' })])).toBeNull();
  });
});

describe('tableRows and formatTable', () => {
  it('should render each measurement as one row with the added latency beside the gateway rows', () => {
    expect(tableRows([direct, relay, relayLoad])).toEqual([
      [
        'chat',
        'direct',
        'sequential',
        '500',
        '0.20',
        '0.50',
        '',
        '',
        '0.15',
        '',
        '',
        '',
        '',
        '',
        '0',
      ],
      [
        'chat',
        'relaymesh',
        'sequential',
        '400',
        '0.35',
        '1.25',
        '+0.15',
        '+0.75',
        '0.30',
        '+0.15',
        '0.091',
        '0.081',
        '46',
        '102',
        '0',
      ],
      [
        'chat',
        'relaymesh',
        '16 conn',
        '8123',
        '2.00',
        '5.00',
        '',
        '',
        '-',
        '',
        '',
        '',
        '',
        '',
        '3',
      ],
    ]);
  });

  it('should align text left and numbers right under a rule as wide as each column', () => {
    const table = formatTable(
      ['name', 'req/s'],
      [
        ['direct', '12345'],
        ['relaymesh', '9'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'name       req/s',
      '---------  -----',
      'direct     12345',
      'relaymesh      9',
    ]);
  });

  it('should give every row as many cells as the header', () => {
    for (const row of tableRows([direct, relay, relayLoad])) {
      expect(row).toHaveLength(TABLE_HEADER.length);
    }
  });
});

describe('evaluateTargets', () => {
  const load = (overrides: Partial<Measurement>) =>
    measurement({ method: 'load', connections: 16, firstByteMs: null, ...overrides });
  const run: Measurement[] = [
    load({ scenario: 'chat', target: 'relaymesh', rps: 9000, ingressCpuMsPerRequest: 0.08 }),
    load({ scenario: 'chat', target: 'portkey', rps: 2000 }),
    load({ scenario: 'chat', target: 'relaymesh', connections: 64, peakRssMb: 130 }),
    measurement({ scenario: 'sequential', latencyMs: { p50: 0.2, p99: 0.4 } }),
    measurement({ scenario: 'sequential', target: 'relaymesh', latencyMs: { p50: 0.3, p99: 1.0 } }),
    measurement({ scenario: 'chat-stream', firstByteMs: { p50: 1, p99: 2 } }),
    measurement({
      scenario: 'chat-stream',
      target: 'relaymesh',
      firstByteMs: { p50: 1.5, p99: 3 },
    }),
    load({ scenario: 'messages-stream', target: 'relaymesh', ingressCpuMsPerRequest: 0.2 }),
    load({ scenario: 'messages-to-openai', target: 'relaymesh', ingressCpuMsPerRequest: 0.5 }),
  ];

  it('should judge each target from the run, and say n/a where the run did not measure it', () => {
    const checks = evaluateTargets(run, { requestsServed: 10, records: 10 });
    const met = Object.fromEntries(checks.map((c) => [c.target, c.met]));
    expect(met).toEqual({
      'CPU per non-stream request (ingress, 16 conn)': true,
      'throughput at 16 connections': true,
      'sequential added latency': false,
      'chat-stream: added time to first byte': true,
      'messages-stream: added time to first byte': null,
      'messages-to-openai: added time to first byte': null,
      'cross-format stream CPU vs pass-through': false,
      'ingress peak RSS at 64 connections': false,
      'no usage record lost': true,
    });
    expect(checks.find((c) => c.target === 'sequential added latency')!.measured).toBe(
      'p50 +0.10 ms, p99 +0.60 ms',
    );
    expect(checks.find((c) => c.target.startsWith('cross-format'))!.measured).toBe('2.50x');
  });

  it('should hold relaymesh to four times the Portkey baseline when there is one', () => {
    const slower = run.map((m) => (m.target === 'portkey' ? { ...m, rps: 2500 } : m));
    const throughput = evaluateTargets(slower, null).find((c) =>
      c.target.startsWith('throughput'),
    )!;
    expect(throughput.met).toBe(false);
    expect(throughput.goal).toContain('4x Portkey (2500)');
  });

  it('should count a lost usage record as a missed target, and no count as not measured', () => {
    const lost = evaluateTargets(run, { requestsServed: 10, records: 9 }).at(-1)!;
    expect(lost).toMatchObject({ met: false, measured: '9 records / 10 requests' });
    expect(evaluateTargets(run, null).at(-1)!.met).toBeNull();
    expect(formatTargets(evaluateTargets(run, null))).toContain('n/a');
  });
});
