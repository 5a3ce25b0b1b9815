// What each ingress replica has admitted per rate-limited key in the last minute, broadcast every ~200 ms to
// every other replica (core NATS, no queue group: each replica needs everyone's counts). Losing one is fine:
// each message carries a key's whole window, so the next one replaces it. Buckets are absolute epoch seconds,
// so a receiver ages them out with its own clock (replica clocks are assumed NTP-synchronised).
import { z } from 'zod';
import { defineEvent } from '../define';

/** `[epoch second, requests admitted, tokens charged]`. */
export const UsageBucketSchema = z.tuple([
  z.number().int().min(0),
  z.number().int().min(0),
  z.number().min(0),
]);
export type UsageBucket = z.infer<typeof UsageBucketSchema>;

export const LimitsUsage = defineEvent(
  'limits.usage.v1',
  z.object({
    /** The sending replica (a random id per process); a replica ignores its own messages. */
    replica: z.string().min(1).max(100),
    keys: z.array(
      z.object({ key_id: z.string().min(1), buckets: z.array(UsageBucketSchema).max(120) }),
    ),
  }),
);
