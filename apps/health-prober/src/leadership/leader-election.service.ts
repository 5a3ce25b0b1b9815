// One health-prober replica leads: it persists, publishes and probes; the others fold the same outcomes in
// memory (warm standby) and take over when the leader goes. The lead is a Postgres session advisory lock held
// on a dedicated connection: it is released by Postgres itself when the leader's process or connection dies,
// so no lease timing is needed. Each replica re-checks its connection (leader) or tries the lock (follower)
// every interval. The lock key derives from the prober's schema, so deployments sharing a database (and test
// suites) have a lock each. In embedded mode PGlite has one session for every connection: the lock is
// re-entrant there, which is right, as there is one prober.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { healthLeader } from '@relaymesh/telemetry';
import { createHash } from 'node:crypto';
import { Subject } from 'rxjs';
import { DataSource, QueryRunner } from 'typeorm';
import { HealthProberEnv } from '../config/health-prober.env';

/** A signed 64-bit key for pg_try_advisory_lock, from a name. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

@Injectable()
export class LeaderElection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeaderElection.name);
  private readonly key: string;
  private connection: QueryRunner | null = null;
  private leading = false;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> = Promise.resolve();
  /** Emits true when this replica becomes the leader, false when it stops being one. */
  readonly changes$ = new Subject<boolean>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly env: HealthProberEnv,
  ) {
    this.key = advisoryLockKey(`relaymesh.health-prober.leader:${env.database.schema}`);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.env.leaderCheckIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    if (this.leading && this.connection) {
      await this.connection
        .query('SELECT pg_advisory_unlock($1::bigint)', [this.key])
        .catch(() => undefined);
    }
    this.setLeading(false);
    await this.dropConnection();
  }

  /** Checks never overlap. */
  check(): Promise<void> {
    this.checking = this.checking.then(() => this.checkOnce());
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    try {
      if (!this.connection) {
        this.connection = this.dataSource.createQueryRunner('master');
        await this.connection.connect();
      }
      if (this.leading) {
        // A session lock lives as long as its connection: a live connection means it is still ours.
        await this.connection.query('SELECT 1');
        return;
      }
      const rows = (await this.connection.query(
        'SELECT pg_try_advisory_lock($1::bigint) AS locked',
        [this.key],
      )) as { locked: boolean }[];
      if (rows[0]?.locked) this.setLeading(true);
    } catch (err) {
      if (this.leading) this.logger.warn(`lost the lead: ${(err as Error).message}`);
      this.setLeading(false);
      await this.dropConnection();
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    healthLeader.set(leading ? 1 : 0);
    this.logger.log(leading ? 'leading: persisting, publishing and probing' : 'following');
    this.changes$.next(leading);
  }

  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (connection && !connection.isReleased) await connection.release().catch(() => undefined);
  }
}
