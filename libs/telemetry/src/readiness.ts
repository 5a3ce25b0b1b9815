// What /readyz asks: each part of the process that depends on something outside (NATS, a database) registers a
// check. Process-wide on purpose: in embedded mode the four apps share one process and one /readyz.
export type ReadinessCheck = () => boolean | Promise<boolean>;

export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  async evaluate(): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, boolean]> => {
        try {
          return [name, await check()];
        } catch {
          return [name, false];
        }
      }),
    );
    return { ready: entries.every(([, ok]) => ok), checks: Object.fromEntries(entries) };
  }
}

export const readiness = new ReadinessRegistry();
