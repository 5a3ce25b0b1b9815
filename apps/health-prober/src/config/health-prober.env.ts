// The health-prober's configuration: the one place it reads the environment, validated at boot.
import {
  EnvSource,
  commonEnvShape,
  databaseEnvShape,
  logLevelsFrom,
  parseEnv,
} from '@relaymesh/app';
import { z } from 'zod';
import { HealthPolicy } from '../health/health-state-machine';

export class HealthProberEnv {
  constructor(
    readonly port: number,
    readonly natsUrl: string,
    readonly natsPrefix: string,
    readonly database: { url: string; schema: string; poolSize: number },
    /** Opens the channels' upstream keys (sealed in the routing snapshot) for probes. */
    readonly secretKey: string,
    /** How often health changes that are not transitions (latency, counters) are written and published. */
    readonly flushIntervalMs: number,
    /** How often time is fed to the state machines (ends ramps, makes probes due). */
    readonly tickIntervalMs: number,
    /** A probe gives up after this long (or the channel's own timeout, if shorter). */
    readonly probeTimeoutMs: number,
    /** How often the leader checks it still holds its lock, and a follower tries to take it. */
    readonly leaderCheckIntervalMs: number,
    readonly policy: HealthPolicy,
    readonly logLevels: ReturnType<typeof logLevelsFrom>,
    /** The most of a probe's answer that is read (ingress's limit, same variable): past it the probe failed. */
    readonly maxUpstreamBodyBytes: number = 32 * 1024 * 1024,
    /**
     * How often the leader re-announces its whole health table: the longest a replica that missed a change
     * (or started while the prober was away) routes by an old view.
     */
    readonly announceIntervalMs: number = 10_000,
    /** The newest transitions kept per channel; older ones are pruned as new ones are stored. */
    readonly transitionsPerChannel: number = 1000,
  ) {}
}

const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export function loadHealthProberEnv(source: EnvSource = process.env): HealthProberEnv {
  const env = parseEnv(
    'health-prober',
    {
      ...commonEnvShape,
      ...databaseEnvShape,
      PORT: z.coerce.number().int().min(0).max(65535).default(8082),
      RELAYMESH_SECRET_KEY: z
        .string()
        .min(16, 'RELAYMESH_SECRET_KEY is required (32 random bytes, base64)'),
      RELAYMESH_HEALTH_FLUSH_MS: ms(50, 60_000, 1_000),
      RELAYMESH_HEALTH_ANNOUNCE_MS: ms(100, 600_000, 10_000),
      RELAYMESH_HEALTH_TICK_MS: ms(50, 60_000, 1_000),
      RELAYMESH_HEALTH_PROBE_TIMEOUT_MS: ms(100, 120_000, 10_000),
      RELAYMESH_HEALTH_LEADER_CHECK_MS: ms(100, 60_000, 5_000),
      RELAYMESH_HEALTH_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
      RELAYMESH_HEALTH_WINDOW_MS: ms(1_000, 3_600_000, 60_000),
      RELAYMESH_HEALTH_WINDOW_MIN_REQUESTS: z.coerce.number().int().min(1).default(20),
      RELAYMESH_HEALTH_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
      RELAYMESH_HEALTH_EJECTION_BASE_MS: ms(100, 3_600_000, 30_000),
      RELAYMESH_HEALTH_EJECTION_MAX_MS: ms(100, 86_400_000, 300_000),
      RELAYMESH_HEALTH_EJECTION_JITTER: z.coerce.number().min(0).max(0.9).default(0.1),
      RELAYMESH_HEALTH_EJECTION_DECAY_MS: ms(1_000, 86_400_000, 300_000),
      RELAYMESH_HEALTH_PROBE_INTERVAL_MS: ms(100, 3_600_000, 5_000),
      RELAYMESH_HEALTH_PROBE_MAX_INTERVAL_MS: ms(100, 86_400_000, 60_000),
      RELAYMESH_HEALTH_DISABLED_PROBE_INTERVAL_MS: ms(100, 86_400_000, 60_000),
      RELAYMESH_HEALTH_DISABLED_PROBE_MAX_INTERVAL_MS: ms(100, 86_400_000, 900_000),
      RELAYMESH_HEALTH_PROBE_SUCCESSES: z.coerce.number().int().min(1).max(100).default(2),
      RELAYMESH_HEALTH_RAMP_MS: ms(0, 3_600_000, 30_000),
      RELAYMESH_HEALTH_RAMP_WEIGHT: z.coerce.number().gt(0).max(1).default(0.25),
      RELAYMESH_MAX_UPSTREAM_BODY_BYTES: z.coerce
        .number()
        .int()
        .min(64 * 1024)
        .default(32 * 1024 * 1024),
      RELAYMESH_HEALTH_HISTORY_PER_CHANNEL: z.coerce
        .number()
        .int()
        .min(1)
        .max(100_000)
        .default(1000),
    },
    source,
  );
  return new HealthProberEnv(
    env.PORT,
    env.NATS_URL,
    env.RELAYMESH_NATS_PREFIX,
    {
      url: env.DATABASE_URL,
      schema: `${env.RELAYMESH_DB_SCHEMA_PREFIX}prober`,
      poolSize: env.RELAYMESH_DB_POOL_SIZE,
    },
    env.RELAYMESH_SECRET_KEY,
    env.RELAYMESH_HEALTH_FLUSH_MS,
    env.RELAYMESH_HEALTH_TICK_MS,
    env.RELAYMESH_HEALTH_PROBE_TIMEOUT_MS,
    env.RELAYMESH_HEALTH_LEADER_CHECK_MS,
    {
      consecutiveFailures: env.RELAYMESH_HEALTH_CONSECUTIVE_FAILURES,
      window: { windowMs: env.RELAYMESH_HEALTH_WINDOW_MS, buckets: 6 },
      windowMinRequests: env.RELAYMESH_HEALTH_WINDOW_MIN_REQUESTS,
      failureRatio: env.RELAYMESH_HEALTH_FAILURE_RATIO,
      ejectionBaseMs: env.RELAYMESH_HEALTH_EJECTION_BASE_MS,
      ejectionMaxMs: env.RELAYMESH_HEALTH_EJECTION_MAX_MS,
      ejectionJitter: env.RELAYMESH_HEALTH_EJECTION_JITTER,
      ejectionDecayMs: env.RELAYMESH_HEALTH_EJECTION_DECAY_MS,
      probeIntervalMs: env.RELAYMESH_HEALTH_PROBE_INTERVAL_MS,
      probeMaxIntervalMs: env.RELAYMESH_HEALTH_PROBE_MAX_INTERVAL_MS,
      disabledProbeIntervalMs: env.RELAYMESH_HEALTH_DISABLED_PROBE_INTERVAL_MS,
      disabledProbeMaxIntervalMs: env.RELAYMESH_HEALTH_DISABLED_PROBE_MAX_INTERVAL_MS,
      probeSuccesses: env.RELAYMESH_HEALTH_PROBE_SUCCESSES,
      rampMs: env.RELAYMESH_HEALTH_RAMP_MS,
      rampWeight: env.RELAYMESH_HEALTH_RAMP_WEIGHT,
    },
    logLevelsFrom(env.LOG_LEVEL),
    env.RELAYMESH_MAX_UPSTREAM_BODY_BYTES,
    env.RELAYMESH_HEALTH_ANNOUNCE_MS,
    env.RELAYMESH_HEALTH_HISTORY_PER_CHANNEL,
  );
}
