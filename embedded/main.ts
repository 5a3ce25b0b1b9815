// `npm start`: all four apps in one process on embedded defaults: the in-process transport instead of NATS,
// PGlite (served over a loopback socket) instead of Postgres, data under ./data, ingress on PORT (8080).
// Only the transport and the database URL differ from the four-process deployment: the apps are the same
// code, started through the same functions. (A launcher, not a fifth app: it owns no capability.)
import '@relaymesh/telemetry/register';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InvalidEnvironmentError, runMain } from '@relaymesh/app';
import { SecretBox, hashClientKey } from '@relaymesh/secrets';
import { InProcessBroker, TransportConfig } from '@relaymesh/messaging';
import { EmbeddedDataDirError, EmbeddedPostgres } from '@relaymesh/persistence';
import { shutdownTracing } from '@relaymesh/telemetry';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHealthProberEnv, startHealthProber } from '../apps/health-prober/src';
import { loadIngressEnv, startIngress } from '../apps/ingress/src';
import { loadRouterEnv, startRouter } from '../apps/router/src';
import { loadUsageLedgerEnv, startUsageLedger } from '../apps/usage-ledger/src';
import { loadEmbeddedEnv } from './config/embedded.env';
import { startBanner } from './start-banner';

const logger = new Logger('relaymesh');

/** A value kept in a file under the data directory, made at first start. */
function persistentSecret(file: string, make: () => string): { value: string; created: boolean } {
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: false };
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}

async function main(): Promise<void> {
  const env = loadEmbeddedEnv();
  const dataDir = resolve(env.RELAYMESH_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const secretKey =
    env.RELAYMESH_SECRET_KEY ??
    persistentSecret(join(dataDir, 'secret.key'), () => SecretBox.generateSecret()).value;

  // The admin token is shown once, at first start; only its hash is kept, and only once the start succeeded,
  // so a start that fails before the banner makes a new token next time instead of one nobody saw.
  const adminTokenFile = join(dataDir, 'admin-token.sha256');
  let newAdminToken: string | null = null;
  let adminTokenHash: string;
  if (env.RELAYMESH_ADMIN_TOKEN) {
    adminTokenHash = hashClientKey(env.RELAYMESH_ADMIN_TOKEN);
  } else if (existsSync(adminTokenFile)) {
    adminTokenHash = readFileSync(adminTokenFile, 'utf8').trim();
  } else {
    newAdminToken = `rm-admin-${randomBytes(24).toString('base64url')}`;
    adminTokenHash = hashClientKey(newAdminToken);
  }

  const embeddedPostgres = env.DATABASE_URL
    ? null
    : await EmbeddedPostgres.start(join(dataDir, 'pglite')).catch((err: unknown) => {
        // The operator's to resolve (a data directory of another Postgres major): one message, no stack.
        throw err instanceof EmbeddedDataDirError
          ? new InvalidEnvironmentError(`relaymesh: ${err.message}`)
          : err;
      });
  const source = {
    ...process.env,
    DATABASE_URL: env.DATABASE_URL ?? embeddedPostgres!.url,
    // PGlite runs one query at a time: small pools are all it can use.
    RELAYMESH_DB_POOL_SIZE: process.env['RELAYMESH_DB_POOL_SIZE'] ?? (embeddedPostgres ? '3' : '5'),
    RELAYMESH_SECRET_KEY: secretKey,
    RELAYMESH_ADMIN_TOKEN: undefined,
    RELAYMESH_ADMIN_TOKEN_SHA256: adminTokenHash,
    LOG_LEVEL: env.LOG_LEVEL,
  };

  const broker = new InProcessBroker();
  const transport = (name: string): TransportConfig =>
    env.NATS_URL
      ? { kind: 'nats', url: env.NATS_URL, prefix: env.RELAYMESH_NATS_PREFIX, name }
      : { kind: 'in-process', broker, name };

  const ingressEnv = loadIngressEnv(source);
  const router = await startRouter(loadRouterEnv(source), transport('router'), false);
  const ledger = await startUsageLedger(
    loadUsageLedgerEnv(source),
    transport('usage-ledger'),
    false,
  );
  const prober = await startHealthProber(
    loadHealthProberEnv(source),
    transport('health-prober'),
    false,
  );
  const ingress = await startIngress(ingressEnv, transport('ingress'), false);
  if (newAdminToken !== null) {
    writeFileSync(adminTokenFile, `${adminTokenHash}\n`, { mode: 0o600 });
  }
  process.stdout.write(
    startBanner({
      port: ingressEnv.port,
      newAdminToken,
      dataDir,
      bus: env.NATS_URL ? 'nats' : 'in-process',
      database: embeddedPostgres ? 'embedded' : 'postgres',
      logLevel: env.LOG_LEVEL,
    }),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    // Ingress first (stop taking requests), then the control plane, then the database under it.
    await ingress.close();
    await Promise.allSettled([prober.close(), ledger.close(), router.close()]);
    await embeddedPostgres?.stop();
    await shutdownTracing();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

runMain('relaymesh', main);
