// CPU time and memory of a process from Linux's /proc: the benchmark's most stable figure on a shared machine
// is CPU seconds per request (wall-clock throughput depends on whatever else the two cores are doing).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface CpuTicks {
  /** User-mode time, in clock ticks (`getconf CLK_TCK`, 100 on Linux). */
  utime: number;
  /** Kernel-mode time, in clock ticks. */
  stime: number;
}

/**
 * utime and stime from the text of /proc/<pid>/stat (fields 14 and 15 of proc(5)). The command name (field 2)
 * is in parentheses and may itself hold spaces and parentheses, so fields are counted after the last `)`.
 */
export function parseProcStat(text: string): CpuTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line: no command name');
  // After ") " come field 3 (state), 4 (ppid), ...: utime (14) is the 12th of them, stime (15) the 13th.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error('not a /proc/<pid>/stat line: utime/stime missing');
  }
  return { utime, stime };
}

export interface MemoryKb {
  /** Resident set size now. */
  rss: number;
  /** Peak resident set size ("high water mark") since start or since the last reset. */
  hwm: number;
}

/** VmRSS and VmHWM (kB) from the text of /proc/<pid>/status. */
export function parseProcStatus(text: string): MemoryKb {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
    if (!match) throw new Error(`/proc/<pid>/status has no ${name}`);
    return Number(match[1]);
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

let ticksPerSecond: number | null = null;

/** CLK_TCK, asked once (100 on every common Linux; the fallback if getconf is missing). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** CPU seconds a process has used so far, in user mode and in the kernel (syscalls, network stack). */
export function cpuSeconds(pid: number): { user: number; system: number } {
  const { utime, stime } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return { user: utime / clockTicksPerSecond(), system: stime / clockTicksPerSecond() };
}

export function memoryKb(pid: number): MemoryKb {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/**
 * Resets the process's peak RSS to its current RSS (writing 5 to /proc/<pid>/clear_refs, Linux 4.0+), so
 * VmHWM afterwards is the peak of one scenario. False where the kernel or permissions refuse.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
