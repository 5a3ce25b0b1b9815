// The span of a message handled by an app: `process <subject>`, child of the context the sender put in the
// message's headers (a consumer span for an event, a server span for a request answered), so that what a
// traced request caused elsewhere (a key look-up answered by the ledger, an outcome judged by the prober)
// appears in its trace. A message that carries no context starts no trace of its own. Both transports use it.
import {
  inRootContext,
  Span,
  SpanKind,
  TraceCarrier,
  errorTypeOf,
  inRemoteChildSpan,
  markFailed,
  startRemoteChildSpan,
  tracingEnabled,
} from '@relaymesh/telemetry';

export type MessagingSystem = 'nats' | 'in-process';

export function handledInSpan<T>(
  subject: string,
  headers: TraceCarrier | null,
  isEvent: boolean,
  system: MessagingSystem,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work();
  return inRemoteChildSpan(
    `process ${subject}`,
    headers,
    {
      kind: isEvent ? SpanKind.CONSUMER : SpanKind.SERVER,
      attributes: {
        'messaging.system': system,
        'messaging.destination.name': subject,
        'messaging.operation.type': 'process',
      },
    },
    work,
  );
}

/**
 * Durable consumers hand messages to their handler in batches (one ledger transaction per batch): each message
 * that carries a trace context gets its own `process <subject>` span in its own trace, all spanning the batch's
 * handling, which ends when the handler resolved, i.e. when the batch is durably handled (for the ledger: its
 * transaction committed) and about to be acknowledged. A rejected batch ends them with an error; its
 * redelivery makes new ones (`relaymesh.redeliveries` > 0).
 */
export async function batchHandledInSpans<T>(
  subject: string,
  durable: string,
  system: MessagingSystem,
  messages: readonly { msgId: string; redeliveries: number; traceContext: TraceCarrier | null }[],
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work();
  const spans: Span[] = [];
  for (const message of messages) {
    const started = startRemoteChildSpan(`process ${subject}`, message.traceContext, {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': system,
        'messaging.destination.name': subject,
        'messaging.operation.type': 'process',
        'messaging.consumer.group.name': durable,
        'messaging.message.id': message.msgId,
        'messaging.batch.message_count': messages.length,
        'relaymesh.redeliveries': message.redeliveries,
      },
    });
    if (started) spans.push(started.span);
  }
  try {
    return await inRootContext(work);
  } catch (err) {
    for (const span of spans) markFailed(span, errorTypeOf(err));
    throw err;
  } finally {
    for (const span of spans) span.end();
  }
}
