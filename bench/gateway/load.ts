// Load with autocannon: N keep-alive connections sending the same request back to back for a while. Gives
// throughput and latency under load (autocannon's histogram is in whole milliseconds, hence the separate
// sequential probe for sub-millisecond figures). Several URLs (ingress replicas) share the connections.
import autocannon from 'autocannon';
import type { HttpCall } from './scenarios';

export interface LoadResult {
  seconds: number;
  /** Completed responses (any status). */
  requests: number;
  /** Requests written, completed or not (the ones under way when time ran out included). */
  sent: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface LoadOptions {
  origins: readonly string[];
  call: HttpCall;
  connections: number;
  seconds: number;
  complete: (body: string) => boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    // autocannon takes one URL or several (connections go round-robin), though its types say one.
    url: (options.origins.length === 1
      ? `${options.origins[0]}${options.call.path}`
      : options.origins.map((origin) => `${origin}${options.call.path}`)) as string,
    method: 'POST',
    headers: options.call.headers,
    body: options.call.body,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    verifyBody: (body) => options.complete(typeof body === 'string' ? body : String(body ?? '')),
  });
  const requests = result.requests.total;
  return {
    seconds: result.duration,
    requests,
    sent: result.requests.sent,
    rps: result.duration > 0 ? requests / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx + result.mismatches,
  };
}
