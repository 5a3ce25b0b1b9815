// Retention of logged bodies (issue 19): every PRUNE_EVERY_MS (and once at start) the bodies of records older
// than RELAYMESH_BODY_LOG_RETENTION_HOURS are deleted; the records themselves (what was billed) stay. Every
// ledger replica may prune: the DELETE is idempotent, and a replica's failure to prune is only logged.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { UsageLedgerEnv } from '../config/usage-ledger.env';
import { UsageRepository } from './usage.repository';

/** Bodies outlive their retention by at most this. */
export const PRUNE_EVERY_MS = 10 * 60_000;

const logger = new Logger('BodyRetention');

@Injectable()
export class BodyRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly usage: UsageRepository,
    private readonly env: UsageLedgerEnv,
  ) {}

  onApplicationBootstrap(): void {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes the bodies past retention now; answers how many. */
  async prune(nowMs = Date.now()): Promise<number> {
    try {
      const deleted = await this.usage.pruneBodies(new Date(nowMs - this.env.bodyLogRetentionMs));
      if (deleted > 0) logger.log(`pruned the logged bodies of ${deleted} requests`);
      return deleted;
    } catch (err) {
      logger.warn(`pruning logged bodies failed: ${(err as Error).message}`);
      return 0;
    }
  }
}
