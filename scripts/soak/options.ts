// The command line of `npm run soak`, parsed into one options object (pure, so it is tested).

export interface SoakOptions {
  mode: 'embedded' | 'distributed';
  /** Length of the steady-rate run. */
  minutes: number;
  /** Requests started per second, whatever the answers' latency (an open loop). */
  rate: number;
  /** Seconds between two samples of memory, handles and descriptors. */
  sampleSeconds: number;
  /** Seconds at the start left out of the verdict (caches fill, the heap finds its size). */
  warmupSeconds: number;
  help: boolean;
}

export const SOAK_USAGE = `npm run soak -- [flags]
  --minutes=M          length of the run (default 10)
  --rate=R             requests started per second (default 20)
  --sample=S           seconds between samples (default 10)
  --warmup=S           seconds left out of the verdict (default: a fifth of the run, at most 120)
  --mode=distributed   the four apps as processes on the real NATS and Postgres (default: embedded)`;

export function parseSoakArgs(argv: readonly string[]): SoakOptions {
  const options: SoakOptions = {
    mode: 'embedded',
    minutes: 10,
    rate: 20,
    sampleSeconds: 10,
    warmupSeconds: -1,
    help: false,
  };
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    const [flag, value] = eq < 0 ? [arg, ''] : [arg.slice(0, eq), arg.slice(eq + 1)];
    const positive = (): number => {
      const n = Number(value);
      if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${flag} needs a positive number`);
      return n;
    };
    switch (flag) {
      case '--minutes':
        options.minutes = positive();
        break;
      case '--rate':
        options.rate = positive();
        break;
      case '--sample':
        options.sampleSeconds = positive();
        break;
      case '--warmup':
        options.warmupSeconds = value === '0' ? 0 : positive();
        break;
      case '--mode':
        if (value !== 'embedded' && value !== 'distributed') {
          throw new Error('--mode is embedded or distributed');
        }
        options.mode = value;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown flag ${arg}\n${SOAK_USAGE}`);
    }
  }
  if (options.warmupSeconds < 0) {
    options.warmupSeconds = Math.min(120, (options.minutes * 60) / 5);
  }
  if (options.sampleSeconds * 4 > options.minutes * 60) {
    throw new Error('the run must last at least four samples (--minutes vs --sample)');
  }
  return options;
}
