// Binds a NATS subject to the zod schema of its payload, so that publishing the wrong payload does not compile
// and every receiver validates with the same schema. A breaking change to a payload gets a new `.vN` subject.
import { z } from 'zod';

/** A fire-and-forget message: every subscriber (or one per queue group) receives a copy. */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly schema: S;
}

/** A request answered by exactly one handler (queue group), with a typed reply. */
export interface RequestContract<Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly subject: string;
  readonly request: Q;
  readonly reply: R;
}

export function defineEvent<S extends z.ZodType>(subject: string, schema: S): EventContract<S> {
  return { kind: 'event', subject, schema };
}

export function defineRequest<Q extends z.ZodType, R extends z.ZodType>(
  subject: string,
  request: Q,
  reply: R,
): RequestContract<Q, R> {
  return { kind: 'request', subject, request, reply };
}

export type EventPayload<E extends EventContract> = z.infer<E['schema']>;
export type RequestPayload<R extends RequestContract> = z.infer<R['request']>;
export type ReplyPayload<R extends RequestContract> = z.infer<R['reply']>;

/** Thrown when a message fails its contract's schema; carries zod's issues for the log. */
export class ContractViolation extends Error {
  constructor(
    readonly subject: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(
      `payload of ${subject} violates its contract: ${z.prettifyError(new z.ZodError(issues))}`,
    );
  }
}

export function parsePayload<S extends z.ZodType>(
  subject: string,
  schema: S,
  data: unknown,
): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new ContractViolation(subject, result.error.issues);
  return result.data;
}
