// What the embedded Postgres runs with and the rules of its data directory, without PGlite itself: the gateway
// process that forks the embedded Postgres (embedded-postgres.ts) imports these, and importing PGlite there would
// load its ~520 KB bundle into every app for nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Postgres major the bundled PGlite runs (0.5: 18, 0.6: 19); a data directory opens only under its own. */
export const EMBEDDED_POSTGRES_MAJOR = '19';

/**
 * Postgres memory settings for PGlite. Its WebAssembly memory only grows (WebAssembly cannot give pages back),
 * so what Postgres allocates once is held for the life of the process. Postgres's defaults suit a server with
 * gigabytes; relaymesh's control plane (a few thousand rows of configuration, usage appended in batches) needs
 * little. Measured effect in README "Memory".
 */
export const EMBEDDED_POSTGRES_SETTINGS: readonly string[] = [
  // Default 128 MB (PGlite: 160 MB), allocated at start: the largest single item. The tables the gateway reads
  // per snapshot fit many times over; reads past it come from the OS page cache, not disk.
  'shared_buffers=16MB',
  // Default 1/32 of shared_buffers: spelled out so a change of shared_buffers does not move it silently.
  'wal_buffers=512kB',
  // Per session temporary tables (none here); per sort/hash: work_mem stays at Postgres's 4 MB.
  'temp_buffers=2MB',
  // VACUUM, CREATE INDEX in migrations: default 64 MB, allocated when they run.
  'maintenance_work_mem=16MB',
  // WAL on disk between checkpoints (PGlite has no checkpointer process: the size bound triggers them).
  'max_wal_size=64MB',
  'min_wal_size=32MB',
];

/** A data directory this PGlite cannot open: the operator's to resolve, so the message says how. */
export class EmbeddedDataDirError extends Error {
  override readonly name = 'EmbeddedDataDirError';
}

/** Why `dataDir` cannot be opened by this build, or null (absent or empty: it will be created). */
export function dataDirMismatch(dataDir: string, pgVersion: string | null): string | null {
  if (pgVersion === null) return null;
  const found = pgVersion.trim();
  if (found === EMBEDDED_POSTGRES_MAJOR) return null;
  return (
    `the embedded database in ${dataDir} was made by Postgres ${found}; this relaymesh embeds Postgres ` +
    `${EMBEDDED_POSTGRES_MAJOR} (PGlite 0.6), which cannot open it. Keep that directory (it holds your channels, ` +
    'keys and usage): run the relaymesh that made it, or start this one with another RELAYMESH_DATA_DIR or ' +
    'with DATABASE_URL pointing at a Postgres server'
  );
}

export interface PGliteHostOptions {
  /**
   * How often VACUUM runs (0: never). Autovacuum does not run in PGlite (single-user mode has no launcher), yet
   * rows updated all day (credit, rate windows) leave dead tuples, and old transaction ids must be frozen before
   * the counter wraps; between units while no transaction is open, it costs milliseconds on these tables.
   */
  vacuumIntervalMs: number;
}

export const DEFAULT_VACUUM_INTERVAL_MS = 10 * 60_000;

/** Whether opening `dataDir` would first run initdb: PGlite decides by the same file. */
export function needsInitdb(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}
