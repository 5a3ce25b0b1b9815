// The outcome of each upstream attempt, fire-and-forget from ingress to the health-prober (core NATS: losing
// some is fine, the prober judges over many), sent in batches: a message per attempt cost ingress a publish and
// the prober a whole handler run each, on every request.
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

/** At most this many outcomes in one message (ingress sends a full batch at once). */
export const MAX_OUTCOMES_PER_MESSAGE = 500;

export const UpstreamOutcomesRecorded = defineEvent(
  'upstream.outcomes.v1',
  z.object({ outcomes: z.array(UpstreamOutcomeSchema).min(1).max(MAX_OUTCOMES_PER_MESSAGE) }),
);
