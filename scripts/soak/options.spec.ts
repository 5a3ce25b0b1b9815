import { parseSoakArgs } from './options';

describe('parseSoakArgs', () => {
  it('should default to a 10-minute embedded run at 20 requests a second, sampled every 10 s', () => {
    expect(parseSoakArgs([])).toEqual({
      mode: 'embedded',
      minutes: 10,
      rate: 20,
      sampleSeconds: 10,
      warmupSeconds: 120,
      help: false,
    });
  });

  it('should take every flag', () => {
    expect(
      parseSoakArgs(['--minutes=3', '--rate=25', '--sample=5', '--warmup=0', '--mode=distributed']),
    ).toEqual({
      mode: 'distributed',
      minutes: 3,
      rate: 25,
      sampleSeconds: 5,
      warmupSeconds: 0,
      help: false,
    });
  });

  it('should leave a fifth of a short run out of the verdict', () => {
    expect(parseSoakArgs(['--minutes=3']).warmupSeconds).toBe(36);
  });

  it.each([
    [['--minutes=0'], /positive/],
    [['--rate=abc'], /positive/],
    [['--mode=cluster'], /embedded or distributed/],
    [['--fast'], /unknown flag/],
    [['--minutes=0.5', '--sample=10'], /four samples/],
  ])('should refuse %j', (argv, message) => {
    expect(() => parseSoakArgs(argv)).toThrow(message);
  });
});
