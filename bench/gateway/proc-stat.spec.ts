import { parseProcStat, parseProcStatus } from './proc-stat';

// Real lines from this machine, with the command name made hostile.
const STAT =
  '4242 (node (bench) x) S 4200 4242 4200 0 -1 4194304 51042 0 0 0 1234 567 0 0 20 0 11 0 8123456 ' +
  '1234567890 45678 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0\n';

const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
VmPeak:\t 1234567 kB
VmSize:\t 1200000 kB
VmHWM:\t  187654 kB
VmRSS:\t  150321 kB
RssAnon:\t  100000 kB
Threads:\t11
`;

describe('parseProcStat', () => {
  it('should read utime and stime counting fields after the last parenthesis', () => {
    expect(parseProcStat(STAT)).toEqual({ utime: 1234, stime: 567 });
  });

  it('should refuse text that is not a stat line', () => {
    expect(() => parseProcStat('hello')).toThrow(/no command name/);
    expect(() => parseProcStat('1 (x) S 1 2')).toThrow(/utime\/stime missing/);
  });
});

describe('parseProcStatus', () => {
  it('should read the current and peak resident set size in kB', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rss: 150321, hwm: 187654 });
  });

  it('should say which field is missing', () => {
    expect(() => parseProcStatus('Name:\tnode\nVmRSS:\t 1 kB\n')).toThrow(/VmHWM/);
  });
});
