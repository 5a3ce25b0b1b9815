import { Measurement, TABLE_HEADER, addedOverDirect, formatTable, tableRows } from './report';

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
    cpuMsPerRequestByProcess: null,
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
      ['chat', 'direct', 'sequential', '500', '0.20', '0.50', '', '', '0.15', '', '', '', '0'],
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
        '102',
        '0',
      ],
      ['chat', 'relaymesh', '16 conn', '8123', '2.00', '5.00', '', '', '-', '', '', '', '3'],
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
