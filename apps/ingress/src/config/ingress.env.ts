// Ingress configuration: the one place it reads the environment, validated at boot.
import { hashClientKey } from '@relaymesh/contracts';
import { EnvSource, commonEnvShape, logLevelsFrom, parseEnv } from '@relaymesh/messaging';
import { z } from 'zod';

export interface UsageSettings {
  outboxMax: number;
  defaultOutputTokens: number;
}

export const DEFAULT_USAGE_SETTINGS: UsageSettings = {
  outboxMax: 100_000,
  defaultOutputTokens: 1024,
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
    readonly logLevels: ReturnType<typeof logLevelsFrom>,
    /** Usage metering and credit: the outbox bound and the output assumed when a request sets no cap. */
    readonly usage: UsageSettings = DEFAULT_USAGE_SETTINGS,
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
      RELAYMESH_ADMIN_TOKEN: z.string().min(16).optional(),
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
    },
    source,
  );
  const adminTokenHash =
    env.RELAYMESH_ADMIN_TOKEN_SHA256 ??
    (env.RELAYMESH_ADMIN_TOKEN ? hashClientKey(env.RELAYMESH_ADMIN_TOKEN) : undefined);
  if (!adminTokenHash) {
    throw new Error('ingress: RELAYMESH_ADMIN_TOKEN (at least 16 characters) is required');
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
    logLevelsFrom(env.LOG_LEVEL),
    {
      outboxMax: env.RELAYMESH_USAGE_OUTBOX_MAX,
      defaultOutputTokens: env.RELAYMESH_CREDIT_DEFAULT_OUTPUT_TOKENS,
    },
  );
}
