// What /readyz asks: each part of the process that depends on something outside (NATS, a database) registers a
// check. Process-wide on purpose: in embedded mode the four apps share one process and one /readyz.
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** A check that stands for a service outside the process; also exported as `relaymesh_dependency_up`. */
export interface DependencyOf {
  app: string;
  dependency: 'nats' | 'postgres';
}

export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly dependencyOf = new Map<string, DependencyOf>();

  register(name: string, check: ReadinessCheck, dependency?: DependencyOf): void {
    this.checks.set(name, check);
    if (dependency) this.dependencyOf.set(name, dependency);
    else this.dependencyOf.delete(name);
  }

  unregister(name: string): void {
    this.checks.delete(name);
    this.dependencyOf.delete(name);
  }

  /** The checks that stand for a dependency, run now: what `relaymesh_dependency_up` reports on a scrape. */
  async dependencies(): Promise<(DependencyOf & { up: boolean })[]> {
    const { checks } = await this.evaluate();
    return [...this.dependencyOf].map(([name, of]) => ({ ...of, up: checks[name] === true }));
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
