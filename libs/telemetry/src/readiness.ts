// What /readyz asks: each part of the process that depends on something outside (NATS, a database) registers a
// check. Process-wide on purpose: in embedded mode the four apps share one process and one /readyz.
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** A check that stands for a service outside the process; also exported as `relaymesh_dependency_up`. */
export interface DependencyOf {
  app: string;
  dependency: 'nats' | 'postgres';
}

/**
 * `serving`: only the checks a replica needs to serve traffic on its own (ingress: a routing snapshot, not
 * draining). Ingress keeps answering known keys from its snapshot and caches while NATS or Postgres is away
 * (ARCHITECTURE: the data plane does not need the control plane), so its Kubernetes readiness probe asks this
 * scope: a NATS blip must not take every ingress replica out of its Service. `all` (the default) is CONTRACT §3.
 */
export type ReadinessScope = 'all' | 'serving';

export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly dependencyOf = new Map<string, DependencyOf>();
  private readonly serving = new Set<string>();

  register(name: string, check: ReadinessCheck, dependency?: DependencyOf): void {
    this.checks.set(name, check);
    if (dependency) this.dependencyOf.set(name, dependency);
    else this.dependencyOf.delete(name);
  }

  /** A check that decides whether this replica can serve traffic by itself (see ReadinessScope). */
  registerServing(name: string, check: ReadinessCheck): void {
    this.register(name, check);
    this.serving.add(name);
  }

  unregister(name: string): void {
    this.checks.delete(name);
    this.dependencyOf.delete(name);
    this.serving.delete(name);
  }

  /** The checks that stand for a dependency, run now: what `relaymesh_dependency_up` reports on a scrape. */
  async dependencies(): Promise<(DependencyOf & { up: boolean })[]> {
    const { checks } = await this.evaluate();
    return [...this.dependencyOf].map(([name, of]) => ({ ...of, up: checks[name] === true }));
  }

  /** Runs the checks of a scope; an app with no serving checks of its own answers `serving` with all of them. */
  async evaluate(
    scope: ReadinessScope = 'all',
  ): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const chosen =
      scope === 'serving' && this.serving.size > 0
        ? [...this.checks].filter(([name]) => this.serving.has(name))
        : [...this.checks];
    const entries = await Promise.all(
      chosen.map(async ([name, check]): Promise<[string, boolean]> => {
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
