// CI runs the benchmark's smoke (`npm run bench -- --smoke`, about 5 s of load) from the built tree and checks
// that it runs: it exits 0, prints the table, the floor multiples and the targets, and writes a JSON in which
// every scenario was measured directly, through the nginx floor (.ci/run installs nginx), the Node floor and through
// relaymesh, no request failed, and the ledger holds one usage record per request
// ingress served. How fast is the bench's business (STYLE: speed is measured, never asserted in tests).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

interface BenchJson {
  smoke: boolean;
  measurements: {
    scenario: string;
    target: string;
    method: string;
    requests: number;
    errors: number;
    cpuMsPerRequest: number | null;
    peakRssMb: number | null;
  }[];
  usage: { requestsServed: number; records: number };
  targets: { target: string; met: boolean | null }[];
}

function runBench(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/bench/gateway.js'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relaymesh-bench-smoke-'));
  const out = join(dir, 'latest.json');
  let run: { code: number | null; stdout: string; stderr: string };
  let json: BenchJson;

  beforeAll(async () => {
    run = await runBench(['--smoke', `--out=${out}`]);
    if (run.code !== 0) throw new Error(`bench exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
    json = JSON.parse(readFileSync(out, 'utf8')) as BenchJson;
  }, 150_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should print the table and the targets', () => {
    expect(run.stdout).toMatch(/scenario\s+target\s+shape\s+req\/s\s+p50 ms/);
    expect(run.stdout).toMatch(/^sequential\s+relaymesh\s+sequential/m);
    expect(run.stdout).toMatch(/no usage record lost/);
    expect(run.stdout).toMatch(/As multiples of the nginx floor/);
    expect(run.stdout).toMatch(/As multiples of the Node floor/);
    expect(run.stdout).toMatch(/^chat\s+relaymesh\s+16 conn\s+[\d.]+x\s+[\d.]+x/m);
  });

  it('should measure every scenario directly, through nginx, the Node floor and relaymesh, with no failed request', () => {
    expect(json.smoke).toBe(true);
    const scenarios = [
      'chat',
      'chat-stream',
      'messages-stream',
      'messages-to-openai',
      'sequential',
    ];
    for (const scenario of scenarios) {
      for (const target of ['direct', 'nginx', 'node', 'relaymesh']) {
        const rows = json.measurements.filter(
          (m) => m.scenario === scenario && m.target === target,
        );
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect({ scenario, target, method: row.method, errors: row.errors }).toEqual({
            scenario,
            target,
            method: row.method,
            errors: 0,
          });
          expect(row.requests).toBeGreaterThan(0);
        }
      }
    }
    const gatewayRows = json.measurements.filter((m) => m.target !== 'direct');
    for (const row of gatewayRows) {
      // nginx can spend less than one clock tick (10 ms) in a smoke measurement: measured, maybe 0.
      if (row.target === 'nginx') expect(row.cpuMsPerRequest).toBeGreaterThanOrEqual(0);
      else expect(row.cpuMsPerRequest).toBeGreaterThan(0);
      expect(row.peakRssMb).toBeGreaterThan(0);
    }
  });

  it('should find one usage record in the ledger per request ingress served', () => {
    expect(json.usage.requestsServed).toBeGreaterThan(0);
    expect(json.usage.records).toBe(json.usage.requestsServed);
    expect(json.targets.find((t) => t.target === 'no usage record lost')?.met).toBe(true);
  });
});
