// The command line of `npm run bench`, parsed into one options object (a pure function, so it is tested).

export interface BenchOptions {
  mode: 'embedded' | 'distributed';
  /** A run of about 5 s of load in all, for CI: that it runs, not how fast. */
  smoke: boolean;
  /** Runs relaymesh under `node --cpu-prof` and prints the top self-time functions. */
  cpuProf: boolean;
  /** Also measures `@portkey-ai/gateway` (installed outside the repo) as a side-by-side baseline. */
  portkey: boolean;
  /**
   * The bench key's credit: finite by default (ingress admits every request against a credit lease, as a
   * metered key is served), or `unlimited` (no lease: the path before issue 18, for comparison).
   */
  unlimitedKey: boolean;
  /** Distributed mode: ingress processes behind the load (the load is split evenly between them). */
  ingressReplicas: number;
  /** Distributed mode: node:cluster workers per ingress process (RELAYMESH_INGRESS_WORKERS; default 1). */
  ingressWorkers: number;
  /** Seconds of each load measurement (after its warm-up). */
  loadSeconds: number;
  warmupSeconds: number;
  /** Requests of each sequential probe (after its warm-up). */
  probeRequests: number;
  /** Scenario ids to run; empty for all. */
  only: string[];
  /** Where the JSON goes. */
  out: string;
  help: boolean;
}

export const USAGE = `npm run bench -- [flags]
  --smoke                 about 5 s of load in all (CI)
  --mode=distributed      the four apps as processes on the real NATS and Postgres (default: embedded)
  --ingress-replicas=N    distributed mode: N ingress processes sharing the load (default 1)
  --workers=N             distributed mode: N cluster workers in each ingress process (default 1)
  --unlimited-key         the bench key without a credit limit (default: finite credit, served on leases)
  --cpu-prof              run relaymesh under node --cpu-prof and print the top self-time functions
  --portkey               also measure @portkey-ai/gateway@1.15.2 (installed in a temp dir; skipped offline)
  --duration=S            seconds per load measurement (default 5; smoke 0.3)
  --requests=N            requests per sequential probe (default 2000; smoke 40)
  --only=a,b              only these scenarios (chat, chat-stream, messages-stream, messages-to-openai, sequential)
  --out=PATH              JSON output (default bench/results/latest.json)`;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    mode: 'embedded',
    smoke: false,
    cpuProf: false,
    portkey: false,
    unlimitedKey: false,
    ingressReplicas: 1,
    ingressWorkers: 1,
    loadSeconds: 5,
    warmupSeconds: 1,
    probeRequests: 2000,
    only: [],
    out: 'bench/results/latest.json',
    help: false,
  };
  let duration: number | null = null;
  let requests: number | null = null;
  for (const arg of argv) {
    const [flag, value] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    switch (flag) {
      case '--smoke':
        options.smoke = true;
        break;
      case '--cpu-prof':
        options.cpuProf = true;
        break;
      case '--portkey':
        options.portkey = true;
        break;
      case '--unlimited-key':
        options.unlimitedKey = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--mode':
        if (value !== 'embedded' && value !== 'distributed') {
          throw new Error(`--mode must be embedded or distributed, got ${value ?? 'nothing'}`);
        }
        options.mode = value;
        break;
      case '--ingress-replicas':
        options.ingressReplicas = positiveInteger(flag, value);
        break;
      case '--workers':
        options.ingressWorkers = positiveInteger(flag, value);
        break;
      case '--duration':
        duration = positiveNumber(flag, value);
        break;
      case '--requests':
        requests = positiveInteger(flag, value);
        break;
      case '--only':
        options.only = (value ?? '').split(',').filter((id) => id !== '');
        break;
      case '--out':
        if (!value) throw new Error('--out needs a path');
        options.out = value;
        break;
      default:
        throw new Error(`unknown flag ${arg}\n${USAGE}`);
    }
  }
  if (options.ingressReplicas > 1 && options.mode !== 'distributed') {
    throw new Error('--ingress-replicas needs --mode=distributed');
  }
  if (options.ingressWorkers > 1 && options.mode !== 'distributed') {
    throw new Error('--workers needs --mode=distributed (the one-process start runs one ingress)');
  }
  if (options.smoke) {
    options.loadSeconds = 0.3;
    options.warmupSeconds = 0;
    options.probeRequests = 40;
  }
  if (duration !== null) options.loadSeconds = duration;
  if (requests !== null) options.probeRequests = requests;
  return options;
}

function positiveNumber(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${flag} must be a positive number, got ${value ?? 'nothing'}`);
  return n;
}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = positiveNumber(flag, value);
  if (!Number.isInteger(n)) throw new Error(`${flag} must be a whole number, got ${value}`);
  return n;
}
