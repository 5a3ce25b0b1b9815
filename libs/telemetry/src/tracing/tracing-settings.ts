// Whether this process traces, decided from the standard OTEL_* variables before anything else starts. Pure, so
// the decision is table-tested. Tracing is OFF unless an exporter is asked for: the SDK's own default (an OTLP
// exporter towards localhost when OTEL_TRACES_EXPORTER is unset) would make every deployment pay for spans
// nobody collects, and the data path is kept free of span work unless someone is listening.
export type TracingEnv = Readonly<Record<string, string | undefined>>;

export interface TracingSettings {
  enabled: boolean;
  /**
   * The service name to give the SDK, or undefined to leave it to OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES
   * (which the SDK reads itself and which must win).
   */
  serviceName: string | undefined;
}

/** `OTEL_TRACES_EXPORTER` is a comma-separated list; `none` alone turns traces off. */
function exporters(env: TracingEnv): string[] {
  return (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'null');
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/**
 * On when OTEL_TRACES_EXPORTER names an exporter (otlp, console, zipkin), or when it is unset and an OTLP
 * endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: pointing at a
 * collector is asking for traces). OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none win over both.
 */
export function tracingSettings(env: TracingEnv, entryPoint: string | undefined): TracingSettings {
  const named = exporters(env);
  const endpoint =
    (env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '') !== '';
  const enabled =
    !isTrue(env['OTEL_SDK_DISABLED']) &&
    !(named.length === 1 && named[0] === 'none') &&
    (named.length > 0 || endpoint);
  const operatorNamed =
    (env['OTEL_SERVICE_NAME'] ?? '') !== '' ||
    /(^|,)\s*service\.name\s*=/.test(env['OTEL_RESOURCE_ATTRIBUTES'] ?? '');
  return { enabled, serviceName: operatorNamed ? undefined : defaultServiceName(entryPoint) };
}

/**
 * `relaymesh-ingress`, `relaymesh-usage-ledger`, ... for an app's own entry point (`.../apps/<app>/src/main.js`),
 * `relaymesh` for the embedded process (all four apps in one) or anything else. Taken from the entry point
 * because the register module runs before any app code and must not need to be told which app it is in.
 */
export function defaultServiceName(entryPoint: string | undefined): string {
  const app = /[\\/]apps[\\/]([a-z0-9-]+)[\\/]src[\\/]main\.[jt]s$/.exec(entryPoint ?? '');
  return app ? `relaymesh-${app[1]}` : 'relaymesh';
}
