// One per upstream attempt, fire-and-forget from ingress to the health-prober (core NATS: losing one is fine,
// the prober judges over many).
import { z } from 'zod';
import { defineEvent } from '../define';

export const ERROR_CLASSES = [
  'none',
  'auth',
  'quota',
  'rate_limited',
  'server',
  'timeout',
  'connect',
  'reset',
  'client',
] as const;
export const ErrorClassSchema = z.enum(ERROR_CLASSES);
export type ErrorClass = z.infer<typeof ErrorClassSchema>;

export const UpstreamOutcomeSchema = z.object({
  channel_id: z.string(),
  model: z.string(),
  status: z.number().int(),
  error_class: ErrorClassSchema,
  latency_ms: z.number().min(0),
  message: z.string().max(1000).nullable(),
  at: z.string(),
});
export type UpstreamOutcome = z.infer<typeof UpstreamOutcomeSchema>;

export const UpstreamOutcomeRecorded = defineEvent('upstream.outcome.v1', UpstreamOutcomeSchema);
