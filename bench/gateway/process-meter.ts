// Measures what a set of processes (relaymesh's, or a baseline gateway's) spends during one measurement: CPU
// seconds from /proc/<pid>/stat, and the peak RSS from VmHWM after resetting it at the start (or, where the
// kernel refuses the reset, the highest VmRSS seen by sampling every 50 ms).
import { cpuSeconds, memoryKb, resetPeakRss } from './proc-stat';

export interface WatchedProcess {
  name: string;
  pid: number;
}

export interface ProcessUsage {
  /** User + system CPU seconds per process name. */
  cpuSeconds: Record<string, number>;
  /** The kernel's part of them (syscalls, TCP on loopback, wake-ups). */
  systemCpuSeconds: Record<string, number>;
  peakRssMb: Record<string, number>;
}

export class ProcessMeter {
  private startCpu = new Map<number, { user: number; system: number }>();
  private sampledPeak = new Map<number, number>();
  private sampler: NodeJS.Timeout | null = null;
  private hwmReset = false;

  constructor(private readonly processes: () => readonly WatchedProcess[]) {}

  start(): void {
    const procs = this.processes();
    this.startCpu = new Map(procs.map((p) => [p.pid, cpuSeconds(p.pid)]));
    this.hwmReset = procs.every((p) => resetPeakRss(p.pid));
    this.sampledPeak = new Map(procs.map((p) => [p.pid, memoryKb(p.pid).rss]));
    if (!this.hwmReset) {
      this.sampler = setInterval(() => this.sample(), 50);
      this.sampler.unref();
    }
  }

  stop(): ProcessUsage {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    this.sample();
    const usage: ProcessUsage = { cpuSeconds: {}, systemCpuSeconds: {}, peakRssMb: {} };
    for (const p of this.processes()) {
      const before = this.startCpu.get(p.pid);
      if (before === undefined) continue;
      const now = cpuSeconds(p.pid);
      usage.cpuSeconds[p.name] = now.user - before.user + (now.system - before.system);
      usage.systemCpuSeconds[p.name] = now.system - before.system;
      const peakKb = this.hwmReset ? memoryKb(p.pid).hwm : (this.sampledPeak.get(p.pid) ?? 0);
      usage.peakRssMb[p.name] = peakKb / 1024;
    }
    return usage;
  }

  private sample(): void {
    for (const p of this.processes()) {
      try {
        const { rss } = memoryKb(p.pid);
        this.sampledPeak.set(p.pid, Math.max(rss, this.sampledPeak.get(p.pid) ?? 0));
      } catch {
        // The process ended; its last sample stands.
      }
    }
  }
}
