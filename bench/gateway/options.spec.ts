import { parseBenchArgs } from './options';

describe('parseBenchArgs', () => {
  it('should default to the embedded full run', () => {
    expect(parseBenchArgs([])).toEqual({
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
    });
  });

  it('should shorten every measurement for a smoke run, unless told otherwise', () => {
    const smoke = parseBenchArgs(['--smoke']);
    expect(smoke).toMatchObject({
      smoke: true,
      loadSeconds: 0.3,
      warmupSeconds: 0,
      probeRequests: 40,
    });
    expect(parseBenchArgs(['--smoke', '--duration=1', '--requests=10'])).toMatchObject({
      loadSeconds: 1,
      probeRequests: 10,
    });
  });

  it('should read the mode, replicas, profile, baseline, key, scenarios and output path', () => {
    expect(
      parseBenchArgs([
        '--mode=distributed',
        '--ingress-replicas=2',
        '--workers=2',
        '--cpu-prof',
        '--portkey',
        '--unlimited-key',
        '--only=chat,sequential',
        '--out=/tmp/x.json',
      ]),
    ).toMatchObject({
      mode: 'distributed',
      ingressReplicas: 2,
      ingressWorkers: 2,
      cpuProf: true,
      portkey: true,
      unlimitedKey: true,
      only: ['chat', 'sequential'],
      out: '/tmp/x.json',
    });
  });

  it.each([
    [['--mode=cluster'], /--mode must be/],
    [['--duration=0'], /positive number/],
    [['--requests=2.5'], /whole number/],
    [['--ingress-replicas=2'], /needs --mode=distributed/],
    [['--workers=2'], /--workers needs --mode=distributed/],
    [['--mode=distributed', '--workers=0'], /--workers must be a positive number/],
    [['--fast'], /unknown flag --fast/],
    [['--out='], /needs a path/],
  ])('should refuse %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
