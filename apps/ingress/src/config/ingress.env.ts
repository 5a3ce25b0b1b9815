// Ingress configuration: the one place it reads the environment, validated at boot.
import { hashClientKey } from '@relaymesh/secrets';
import {
  EnvSource,
  InvalidEnvironmentError,
  commonEnvShape,
  logLevelsFrom,
  parseEnv,
} from '@relaymesh/app';
import { z } from 'zod';
import { SESSION_TTL_MS } from '../admin/admin-session';
import { isCidr } from '../admission/ip-allow-list';

export interface UsageSettings {
  outboxMax: number;
  defaultOutputTokens: number;
}

export const DEFAULT_USAGE_SETTINGS: UsageSettings = {
  outboxMax: 100_000,
  defaultOutputTokens: 256,
};

/** rpm/tpm at or below these are decided on the ledger's shared counter (exact); above, by broadcast. */
export interface SharedLimits {
  rpmMax: number;
  tpmMax: number;
}

export const DEFAULT_SHARED_LIMITS: SharedLimits = { rpmMax: 1_000, tpmMax: 100_000 };

/**
 * Time limits on receiving a request, so a client that trickles its head or body (slowloris) cannot hold a
 * connection and its memory for ever. They end when the request has arrived: a long streamed answer is not cut.
 */
export interface ClientTimeouts {
  headersMs: number;
  /** The whole request, head and body; 0 for none. */
  requestMs: number;
}

/**
 * An admin token an operator chooses (RELAYMESH_ADMIN_TOKEN, each read-only token): long enough not to be
 * guessed online. The one rule, for standalone ingress and the embedded launcher alike.
 */
export const ADMIN_TOKEN_MIN_LENGTH = 16;
export const AdminTokenSchema = z
  .string()
  .min(
    ADMIN_TOKEN_MIN_LENGTH,
    `an admin token needs at least ${ADMIN_TOKEN_MIN_LENGTH} characters`,
  );

export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = { headersMs: 30_000, requestMs: 120_000 };

/**
 * How much of an upstream's answer ingress reads (ARCHITECTURE rule 9): a whole non-stream answer (or an error
 * body's envelope), and one event of a stream. Past either the answer is refused with a 502 and the channel
 * charged with a fault. Well above real answers (a few base64 images in one is a few MB), and low enough that a
 * hostile upstream's endless answer costs a replica tens of MB, not all its memory.
 */
export interface UpstreamReadLimits {
  bodyBytes: number;
  /** One SSE event (its unterminated line included), in characters: bytes for the ASCII that SSE JSON is. */
  eventBytes: number;
}

export const DEFAULT_UPSTREAM_READ_LIMITS: UpstreamReadLimits = {
  bodyBytes: 32 * 1024 * 1024,
  eventBytes: 16 * 1024 * 1024,
};

export class IngressEnv {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly natsUrl: string,
    readonly natsPrefix: string,
    readonly secretKey: string,
    /** SHA-256 of the admin token: the token itself need not stay in memory. */
    readonly adminTokenHash: string,
    readonly maxBodyBytes: number,
    /** How long an unknown key is remembered as unknown before the ledger is asked again. */
    readonly unknownKeyTtlMs: number,
    /** Attempts per request across distinct channels while nothing has reached the client. */
    readonly maxAttempts: number,
    /**
     * A stream that has not sent its first byte after this long is abandoned for another channel (the channel's
     * own `timeout_ms` caps it too); 0 leaves only `timeout_ms`.
     */
    readonly firstByteTimeoutMs: number,
    readonly logLevels: ReturnType<typeof logLevelsFrom>,
    /**
     * Proxies (CIDRs) whose `X-Forwarded-For` is believed: the client address is the nearest hop that is not one
     * of them. Empty: the socket's peer address is the client, whatever the headers say.
     */
    readonly trustedProxies: readonly string[] = [],
    /** How often this replica tells the others its per-key request and token counts (rpm/tpm limits). */
    readonly limitsBroadcastMs: number = 200,
    /** Usage metering and credit: the outbox bound and the output assumed when a request sets no cap. */
    readonly usage: UsageSettings = DEFAULT_USAGE_SETTINGS,
    /**
     * Data-plane requests one replica serves at once; past it a request is refused at once with 503 and
     * Retry-After rather than queued until everything times out (memory stays bounded under overload).
     */
    readonly maxInFlight: number = 1_000,
    /** How long a graceful shutdown lets requests under way (streams included) finish before cancelling them. */
    readonly shutdownGraceMs: number = 25_000,
    /** SHA-256 of each read-only admin token (GET on /admin only). */
    readonly adminReadOnlyTokenHashes: readonly string[] = [],
    /** Slow clients (slowloris): how long the request head, and the whole request (head and body), may take. */
    readonly clientTimeouts: ClientTimeouts = DEFAULT_CLIENT_TIMEOUTS,
    /** One JSON line per finished data-plane request (access-log/access-log-line.ts); off by default. */
    readonly accessLog: boolean = false,
    readonly upstreamLimits: UpstreamReadLimits = DEFAULT_UPSTREAM_READ_LIMITS,
    /** How long a console sign-in lasts (admin/admin-session.ts). */
    readonly consoleSessionTtlMs: number = SESSION_TTL_MS,
    /**
     * Whether the lean node:http listener takes the data-plane requests it can (routes/lean-listener.ts); off,
     * Fastify takes them all. For the parity test and as an escape hatch, not a tuning knob.
     */
    readonly leanListener: boolean = true,
    readonly sharedLimits: SharedLimits = DEFAULT_SHARED_LIMITS,
    /**
     * Processes (node:cluster workers) serving the one port; each is like a replica (its own snapshot, key
     * cache and limit counters; credit leases and shared counters keep limits exact across them).
     */
    readonly workers: number = 1,
  ) {}
}

export function loadIngressEnv(source: EnvSource = process.env): IngressEnv {
  const env = parseEnv(
    'ingress',
    {
      ...commonEnvShape,
      PORT: z.coerce.number().int().min(0).max(65535).default(8080),
      HOST: z.string().default('0.0.0.0'),
      RELAYMESH_SECRET_KEY: z
        .string()
        .min(16, 'RELAYMESH_SECRET_KEY is required (32 random bytes, base64)'),
      RELAYMESH_ADMIN_TOKEN: AdminTokenSchema.optional(),
      RELAYMESH_ADMIN_TOKEN_SHA256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      RELAYMESH_MAX_BODY_BYTES: z.coerce
        .number()
        .int()
        .min(1024)
        .default(10 * 1024 * 1024),
      RELAYMESH_UNKNOWN_KEY_TTL_MS: z.coerce.number().int().min(0).default(5_000),
      RELAYMESH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
      // Long enough for a reasoning model's first token, short enough that a stuck channel does not hold a
      // client for the 300 s default `timeout_ms`.
      RELAYMESH_FIRST_BYTE_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000),
      RELAYMESH_TRUSTED_PROXIES: z
        .string()
        .default('')
        .transform((list) =>
          list
            .split(',')
            .map((entry) => entry.trim())
            .filter((entry) => entry !== ''),
        )
        .refine((list) => list.every(isCidr), 'must be a comma-separated list of IPs or CIDRs'),
      RELAYMESH_LIMITS_BROADCAST_MS: z.coerce.number().int().min(20).max(5_000).default(200),
      RELAYMESH_LIMITS_SHARED_RPM_MAX: z.coerce
        .number()
        .int()
        .min(0)
        .default(DEFAULT_SHARED_LIMITS.rpmMax),
      RELAYMESH_LIMITS_SHARED_TPM_MAX: z.coerce
        .number()
        .int()
        .min(0)
        .default(DEFAULT_SHARED_LIMITS.tpmMax),
      RELAYMESH_USAGE_OUTBOX_MAX: z.coerce
        .number()
        .int()
        .min(1)
        .default(DEFAULT_USAGE_SETTINGS.outboxMax),
      RELAYMESH_CREDIT_DEFAULT_OUTPUT_TOKENS: z.coerce
        .number()
        .int()
        .min(0)
        .default(DEFAULT_USAGE_SETTINGS.defaultOutputTokens),
      RELAYMESH_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(1_000),
      // Below Kubernetes' default 30 s terminationGracePeriodSeconds, leaving time to flush the usage outbox.
      RELAYMESH_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
      RELAYMESH_ADMIN_READONLY_TOKENS: z
        .string()
        .default('')
        .transform((list) =>
          list
            .split(',')
            .map((token) => token.trim())
            .filter((token) => token !== ''),
        )
        .refine(
          (list) => list.every((token) => AdminTokenSchema.safeParse(token).success),
          `each read-only admin token must have at least ${ADMIN_TOKEN_MIN_LENGTH} characters`,
        ),
      RELAYMESH_HEADERS_TIMEOUT_MS: z.coerce
        .number()
        .int()
        .min(100)
        .default(DEFAULT_CLIENT_TIMEOUTS.headersMs),
      // Long enough for a 10 MiB body on a slow uplink; it ends when the body has arrived.
      RELAYMESH_REQUEST_TIMEOUT_MS: z.coerce
        .number()
        .int()
        .min(0)
        .default(DEFAULT_CLIENT_TIMEOUTS.requestMs),
      RELAYMESH_MAX_UPSTREAM_BODY_BYTES: z.coerce
        .number()
        .int()
        .min(64 * 1024)
        .default(DEFAULT_UPSTREAM_READ_LIMITS.bodyBytes),
      RELAYMESH_MAX_UPSTREAM_EVENT_BYTES: z.coerce
        .number()
        .int()
        .min(64 * 1024)
        .default(DEFAULT_UPSTREAM_READ_LIMITS.eventBytes),
      // A working day by default; shorter where policy wants operators to sign in more often.
      RELAYMESH_CONSOLE_SESSION_TTL_S: z.coerce
        .number()
        .int()
        .min(1)
        .max(30 * 24 * 3600)
        .default(SESSION_TTL_MS / 1000),
      RELAYMESH_ACCESS_LOG: z
        .enum(['true', 'false', '1', '0', ''])
        .default('false')
        .transform((value) => value === 'true' || value === '1'),
      RELAYMESH_INGRESS_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
      RELAYMESH_LEAN_LISTENER: z
        .enum(['on', 'off'])
        .default('on')
        .transform((value) => value === 'on'),
    },
    source,
  );
  if (
    env.RELAYMESH_REQUEST_TIMEOUT_MS > 0 &&
    env.RELAYMESH_HEADERS_TIMEOUT_MS > env.RELAYMESH_REQUEST_TIMEOUT_MS
  ) {
    // node:http refuses it: the head is part of the request.
    throw new InvalidEnvironmentError(
      'ingress: RELAYMESH_HEADERS_TIMEOUT_MS must not exceed RELAYMESH_REQUEST_TIMEOUT_MS',
    );
  }
  const adminTokenHash =
    env.RELAYMESH_ADMIN_TOKEN_SHA256 ??
    (env.RELAYMESH_ADMIN_TOKEN ? hashClientKey(env.RELAYMESH_ADMIN_TOKEN) : undefined);
  if (!adminTokenHash) {
    throw new InvalidEnvironmentError(
      `ingress: RELAYMESH_ADMIN_TOKEN (at least ${ADMIN_TOKEN_MIN_LENGTH} characters) is required`,
    );
  }
  return new IngressEnv(
    env.PORT,
    env.HOST,
    env.NATS_URL,
    env.RELAYMESH_NATS_PREFIX,
    env.RELAYMESH_SECRET_KEY,
    adminTokenHash,
    env.RELAYMESH_MAX_BODY_BYTES,
    env.RELAYMESH_UNKNOWN_KEY_TTL_MS,
    env.RELAYMESH_MAX_ATTEMPTS,
    env.RELAYMESH_FIRST_BYTE_TIMEOUT_MS,
    logLevelsFrom(env.LOG_LEVEL),
    env.RELAYMESH_TRUSTED_PROXIES,
    env.RELAYMESH_LIMITS_BROADCAST_MS,
    {
      outboxMax: env.RELAYMESH_USAGE_OUTBOX_MAX,
      defaultOutputTokens: env.RELAYMESH_CREDIT_DEFAULT_OUTPUT_TOKENS,
    },
    env.RELAYMESH_MAX_IN_FLIGHT,
    env.RELAYMESH_SHUTDOWN_GRACE_MS,
    env.RELAYMESH_ADMIN_READONLY_TOKENS.map(hashClientKey),
    {
      headersMs: env.RELAYMESH_HEADERS_TIMEOUT_MS,
      requestMs: env.RELAYMESH_REQUEST_TIMEOUT_MS,
    },
    env.RELAYMESH_ACCESS_LOG,
    {
      bodyBytes: env.RELAYMESH_MAX_UPSTREAM_BODY_BYTES,
      eventBytes: env.RELAYMESH_MAX_UPSTREAM_EVENT_BYTES,
    },
    env.RELAYMESH_CONSOLE_SESSION_TTL_S * 1000,
    env.RELAYMESH_LEAN_LISTENER,
    {
      rpmMax: env.RELAYMESH_LIMITS_SHARED_RPM_MAX,
      tpmMax: env.RELAYMESH_LIMITS_SHARED_TPM_MAX,
    },
    env.RELAYMESH_INGRESS_WORKERS,
  );
}
