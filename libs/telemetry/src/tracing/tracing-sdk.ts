// Starts the OpenTelemetry SDK (sdk-node) when tracing-settings.ts says so: exporters, sampler, propagators,
// batch processor limits and resource attributes all come from the standard OTEL_* variables, read by the SDK
// itself. Only traces: relaymesh's metrics are Prometheus (prom-client, /metrics) and it emits no OTel logs, so
// the SDK's metric and log pipelines, which it would otherwise start towards an OTLP endpoint, are left empty.
// No auto-instrumentation: the spans that matter (request, upstream attempt, NATS message, ledger commit) are
// made explicitly, and instrumenting every HTTP/pg/undici call would cost the data path for little insight.
import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { setTracingEnabled } from './trace-context';
import { TracingEnv, tracingSettings } from './tracing-settings';

let sdk: NodeSDK | null = null;

/**
 * Starts tracing if the environment asks for it; true when it did. `overrides` lets tests plug in their own
 * span processors (an in-memory exporter) while everything else goes through the same path.
 */
export function startTracing(
  env: TracingEnv,
  entryPoint: string | undefined,
  overrides: Partial<NodeSDKConfiguration> = {},
): boolean {
  const settings = tracingSettings(env, entryPoint);
  if (!settings.enabled || sdk) return sdk !== null;
  // Required here, not imported: the SDK and its exporters are a few MB of modules that a process without
  // traces never loads.
  const { NodeSDK } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  sdk = new NodeSDK({
    serviceName: settings.serviceName,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    ...overrides,
  });
  sdk.start();
  setTracingEnabled(true);
  return true;
}

/** Flushes the spans still buffered and stops exporting; called on graceful shutdown, before exit. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  if (!running) return;
  sdk = null;
  setTracingEnabled(false);
  await running.shutdown().catch((err: unknown) => {
    console.error(`tracing: flushing spans at shutdown failed: ${String(err)}`);
  });
}
