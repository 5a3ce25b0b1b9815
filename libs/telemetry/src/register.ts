// Imported first by every entry point (`import '@relaymesh/telemetry/register'`), before Nest or any app code:
// starts OpenTelemetry tracing when the OTEL_* variables configure an exporter, and does nothing otherwise.
// It reads process.env itself (not through an app's env schema) because it must run before any app code,
// and because the SDK reads its OTEL_* variables from process.env anyway.
import { startTracing } from './tracing/tracing-sdk';

startTracing(process.env, process.argv[1]);
