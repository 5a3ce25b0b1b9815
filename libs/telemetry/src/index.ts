export * from './gen-ai';
export * from './metrics';
export * from './ops.module';
export * from './readiness';
export * from './labelled';
export * from './tracing/trace-context';
export { shutdownTracing, startTracing } from './tracing/tracing-sdk';
export { joinClusterMetrics, metricsText, serveClusterMetrics } from './cluster-metrics';
