// The precise probe: one keep-alive connection, one request at a time, each timed with process.hrtime from
// the moment it is written to its first body byte and to its last. Sub-millisecond differences between the
// direct call and the call through a gateway show here, where autocannon's whole milliseconds hide them.
import { Client } from 'undici';
import type { HttpCall } from './scenarios';

export interface ProbeResult {
  seconds: number;
  /** Milliseconds to the first body byte, one per successful request. */
  firstByteMs: number[];
  /** Milliseconds to the end of the body. */
  lastByteMs: number[];
  errors: number;
}

export async function runProbe(options: {
  origin: string;
  call: HttpCall;
  requests: number;
  complete: (body: string) => boolean;
}): Promise<ProbeResult> {
  const client = new Client(options.origin, { pipelining: 1, keepAliveTimeout: 60_000 });
  const firstByteMs: number[] = [];
  const lastByteMs: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  try {
    for (let i = 0; i < options.requests; i++) {
      const t0 = process.hrtime.bigint();
      let first: bigint | null = null;
      try {
        const response = await client.request({
          method: 'POST',
          path: options.call.path,
          headers: options.call.headers,
          body: options.call.body,
        });
        let text = '';
        for await (const chunk of response.body) {
          first ??= process.hrtime.bigint();
          text += (chunk as Buffer).toString('utf8');
        }
        const last = process.hrtime.bigint();
        if (response.statusCode >= 300 || !options.complete(text)) {
          errors++;
          continue;
        }
        firstByteMs.push(Number((first ?? last) - t0) / 1e6);
        lastByteMs.push(Number(last - t0) / 1e6);
      } catch {
        errors++;
      }
    }
  } finally {
    await client.close();
  }
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    firstByteMs,
    lastByteMs,
    errors,
  };
}
