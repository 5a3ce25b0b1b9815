import {
  FLOOR_HEADER,
  Measurement,
  TABLE_HEADER,
  addedOverDirect,
  evaluateTargets,
  floorRows,
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
    load({
      scenario: 'chat',
      target: 'relaymesh',
      rps: 9000,
      cpuMsPerRequest: 0.18,
      ingressCpuMsPerRequest: 0.16,
    }),
    load({ scenario: 'chat', target: 'portkey', rps: 2000 }),
    load({ scenario: 'chat', target: 'relaymesh', connections: 64, peakRssMb: 130 }),
    measurement({ scenario: 'sequential', latencyMs: { p50: 0.2, p99: 0.4 } }),
    measurement({ scenario: 'sequential', target: 'relaymesh', latencyMs: { p50: 0.3, p99: 1.0 } }),
    measurement({ scenario: 'chat-stream', firstByteMs: { p50: 1, p99: 2 } }),
    measurement({
      scenario: 'chat-stream',
      target: 'relaymesh',
      firstByteMs: { p50: 1.4, p99: 3 },
    }),
    load({ scenario: 'messages-stream', target: 'relaymesh', ingressCpuMsPerRequest: 0.2 }),
    load({ scenario: 'messages-to-openai', target: 'relaymesh', ingressCpuMsPerRequest: 0.5 }),
  ];

  it('should judge each target from the run, and say n/a where the run did not measure it', () => {
    const checks = evaluateTargets(run, { requestsServed: 10, records: 10 });
    const met = Object.fromEntries(checks.map((c) => [c.target, c.met]));
    expect(met).toEqual({
      'throughput at 16 connections': true,
      'CPU per non-stream request (all processes, 16 conn)': true,
      'CPU per non-stream request (ingress alone, 16 conn)': null,
      'sequential added latency': true,
      'chat-stream: added time to first byte': true,
      'messages-stream: added time to first byte': null,
      'messages-to-openai: added time to first byte': null,
      'cross-format stream CPU vs pass-through': false,
      'embedded peak RSS at 64 connections': true,
      'no usage record lost': true,
    });
    expect(checks.find((c) => c.target === 'sequential added latency')!.measured).toBe(
      'p50 +0.10 ms, p99 +0.60 ms',
    );
    expect(checks.find((c) => c.target.startsWith('cross-format'))!.measured).toBe('2.50x');
  });

  it('should hold relaymesh to four times the Portkey baseline, n/a without one', () => {
    const slower = run.map((m) => (m.target === 'portkey' ? { ...m, rps: 2500 } : m));
    const throughput = (r: Measurement[]) =>
      evaluateTargets(r, null).find((c) => c.target.startsWith('throughput'))!;
    expect(throughput(slower).met).toBe(false);
    expect(throughput(slower).goal).toContain('4x Portkey (2500 req/s)');
    expect(throughput(run.filter((m) => m.target !== 'portkey')).met).toBeNull();
  });

  it('should judge ingress alone and its smaller memory only in distributed mode', () => {
    const checks = evaluateTargets(run, null, 'distributed');
    const check = (name: string) => checks.find((c) => c.target === name)!;
    expect(check('CPU per non-stream request (ingress alone, 16 conn)')).toMatchObject({
      met: false,
      measured: '0.160 ms',
    });
    expect(check('ingress peak RSS at 64 connections')).toMatchObject({
      met: false,
      goal: '<= 120 MB',
    });
  });

  it('should count a lost usage record as a missed target, and no count as not measured', () => {
    const lost = evaluateTargets(run, { requestsServed: 10, records: 9 }).at(-1)!;
    expect(lost).toMatchObject({ met: false, measured: '9 records / 10 requests' });
    expect(evaluateTargets(run, null).at(-1)!.met).toBeNull();
    expect(formatTargets(evaluateTargets(run, null))).toContain('n/a');
  });
});

describe('floorRows', () => {
  const load = (overrides: Partial<Measurement>) =>
    measurement({ method: 'load', connections: 16, firstByteMs: null, ...overrides });
  it('should put each gateway figure over the nginx floor of the same scenario and shape', () => {
    const run: Measurement[] = [
      measurement({ scenario: 'sequential', latencyMs: { p50: 0.2, p99: 1 } }),
      measurement({
        scenario: 'sequential',
        target: 'nginx',
        rps: 2000,
        latencyMs: { p50: 0.3, p99: 1.5 },
        firstByteMs: { p50: 0.25, p99: 1 },
        cpuMsPerRequest: 0.02,
        peakRssMb: 10,
      }),
      measurement({
        scenario: 'sequential',
        target: 'relaymesh',
        rps: 1000,
        latencyMs: { p50: 0.5, p99: 3 },
        firstByteMs: { p50: 0.45, p99: 2 },
        cpuMsPerRequest: 0.2,
        peakRssMb: 250,
      }),
      load({ scenario: 'chat' }),
      load({ scenario: 'chat', target: 'relaymesh', cpuMsPerRequest: 0.3 }),
    ];
    expect(floorRows(run)).toEqual([
      ['sequential', 'relaymesh', 'sequential', '2.0x', '10.0x', '3.0x', '4.0x', '3.0x', '25.0x'],
    ]);
    expect(formatTable(FLOOR_HEADER, floorRows(run)).split('\n')[2]).toContain('10.0x');
  });

  it('should not divide by a floor too small to mean anything', () => {
    const run: Measurement[] = [
      load({ scenario: 'chat', latencyMs: { p50: 1, p99: 4 } }),
      load({
        scenario: 'chat',
        target: 'nginx',
        latencyMs: { p50: 1, p99: 4 },
        cpuMsPerRequest: 0.02,
      }),
      load({
        scenario: 'chat',
        target: 'relaymesh',
        latencyMs: { p50: 3, p99: 9 },
        cpuMsPerRequest: 0.2,
      }),
    ];
    expect(floorRows(run)[0].slice(3)).toEqual(['1.0x', '10.0x', '-', '-', '-', '-']);
  });

  it('should show a target whose every request failed as not measured, not NaN', () => {
    const probe = (overrides: Partial<Measurement>) =>
      measurement({ scenario: 'sequential', firstByteMs: { p50: 0.3, p99: 1 }, ...overrides });
    const run: Measurement[] = [
      probe({ latencyMs: { p50: 0.3, p99: 1 } }),
      probe({ target: 'nginx', latencyMs: { p50: 0.4, p99: 1.2 }, firstByteMs: { p50: 0.4, p99: 1 } }),
      probe({
        target: 'portkey',
        rps: 0,
        latencyMs: { p50: NaN, p99: NaN },
        firstByteMs: { p50: NaN, p99: NaN },
        cpuMsPerRequest: null,
      }),
    ];
    expect(floorRows(run)[0].slice(3, 8)).toEqual(['-', '-', '-', '-', '-']);
  });

  it('should put relaymesh over the Node floor, and the Node floor itself only over nginx', () => {
    const run: Measurement[] = [
      load({ scenario: 'chat' }),
      load({ scenario: 'chat', target: 'nginx', rps: 8000, cpuMsPerRequest: 0.05, peakRssMb: 9 }),
      load({ scenario: 'chat', target: 'node', rps: 5000, cpuMsPerRequest: 0.15, peakRssMb: 130 }),
      load({
        scenario: 'chat',
        target: 'relaymesh',
        rps: 2000,
        cpuMsPerRequest: 0.45,
        peakRssMb: 260,
      }),
    ];
    const overNginx = floorRows(run);
    expect(overNginx.map((row) => row[1])).toEqual(['node', 'relaymesh']);
    expect(overNginx[0].slice(3, 5)).toEqual(['1.6x', '3.0x']);
    const overNode = floorRows(run, 'node');
    expect(overNode).toHaveLength(1);
    expect(overNode[0][1]).toBe('relaymesh');
    expect([overNode[0][3], overNode[0][4], overNode[0][8]]).toEqual(['2.5x', '3.0x', '2.0x']);
  });
});
