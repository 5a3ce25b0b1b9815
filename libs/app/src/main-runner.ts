// How every entry point (apps/*/src/main.ts, embedded/main.ts) runs its start-up and reports a failure. A
// failure the operator fixes (a bad variable, a bad config file, a port in use, a database that does not answer)
// is one readable message on stderr, no stack trace; anything else is a defect, reported with its stack.
import { DeclarativeConfigError } from './declarative-config';
import { InvalidEnvironmentError } from './env';

/** A Node system error (`listen EADDRINUSE ...`, `connect ECONNREFUSED ...`): its message names the cause. */
function isSystemError(err: unknown): err is Error & { code: string; syscall: string } {
  return (
    err instanceof Error &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { syscall?: unknown }).syscall === 'string'
  );
}

/** What `app` prints when its start-up throws `err`. */
export function startFailureMessage(app: string, err: unknown): string {
  if (err instanceof InvalidEnvironmentError || err instanceof DeclarativeConfigError) {
    // Their messages already say where (`ingress: invalid environment: ...`) or are about the config file.
    return err.message.startsWith(`${app}:`) ? err.message : `${app}: ${err.message}`;
  }
  if (isSystemError(err)) return `${app}: cannot start: ${err.message}`;
  // Connecting to `localhost` tries ::1 and 127.0.0.1: both refusals arrive as one AggregateError, no message.
  if (err instanceof AggregateError && err.errors.length > 0 && err.errors.every(isSystemError)) {
    const reasons = [...new Set(err.errors.map((e: Error) => e.message))];
    return `${app}: cannot start: ${reasons.join('; ')}`;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `${app}: cannot start: ${detail}`;
}

/** Runs an entry point's `main`; on failure prints `startFailureMessage` and exits 1. */
export function runMain(app: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${startFailureMessage(app, err)}\n`);
    process.exit(1);
  });
}
