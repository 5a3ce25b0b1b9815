// The in-process stand-in for NATS in embedded mode (`npm start`): same subjects, same semantics (fan-out for
// plain subscribers, one member per queue group, request/reply with "no responders"), payloads copied through
// JSON as they would be on the wire, delivery always asynchronous. So embedded mode exercises the same handler
// code as the distributed mode; only this class and the NATS client differ. Messages may carry headers, as NATS
// messages do (the trace context travels in them), copied per delivery like the payload.

/** Message headers (NATS headers in distributed mode): the W3C trace context, when a traced request sent it. */
export type MessageHeaders = Readonly<Record<string, string>>;

export type Delivery = (data: unknown, headers: MessageHeaders | null) => Promise<unknown>;

interface Subscription {
  queue: string | undefined;
  deliver: Delivery;
}

export class NoRespondersError extends Error {
  constructor(subject: string) {
    super(`no responders for ${subject}`);
  }
}

export class InProcessBroker {
  private readonly subscriptions = new Map<string, Subscription[]>();
  private readonly roundRobin = new Map<string, number>();

  subscribe(subject: string, deliver: Delivery, queue?: string): () => void {
    const list = this.subscriptions.get(subject) ?? [];
    const sub: Subscription = { queue, deliver };
    list.push(sub);
    this.subscriptions.set(subject, list);
    return () => {
      const current = this.subscriptions.get(subject) ?? [];
      this.subscriptions.set(
        subject,
        current.filter((s) => s !== sub),
      );
    };
  }

  /** Fire-and-forget: every plain subscriber, and one member of each queue group. */
  publish(subject: string, data: unknown, headers: MessageHeaders | null = null): void {
    const wire = JSON.stringify(data);
    for (const sub of this.recipients(subject)) {
      setImmediate(() => {
        sub.deliver(JSON.parse(wire), copy(headers)).catch(() => undefined);
      });
    }
  }

  /** Delivered to one subscriber; its answer (copied through JSON) is the reply. */
  request(subject: string, data: unknown, headers: MessageHeaders | null = null): Promise<unknown> {
    const [sub] = this.recipients(subject);
    if (!sub) return Promise.reject(new NoRespondersError(subject));
    const wire = JSON.stringify(data);
    return new Promise<unknown>((resolve, reject) => {
      setImmediate(() => {
        sub
          .deliver(JSON.parse(wire), copy(headers))
          .then(
            (reply) => resolve(reply === undefined ? undefined : JSON.parse(JSON.stringify(reply))),
            reject,
          );
      });
    });
  }

  private recipients(subject: string): Subscription[] {
    const list = this.subscriptions.get(subject) ?? [];
    const picked: Subscription[] = [];
    const groups = new Map<string, Subscription[]>();
    for (const sub of list) {
      if (sub.queue === undefined) picked.push(sub);
      else groups.set(sub.queue, [...(groups.get(sub.queue) ?? []), sub]);
    }
    for (const [queue, members] of groups) {
      const key = `${subject}\u0000${queue}`;
      const next = this.roundRobin.get(key) ?? 0;
      this.roundRobin.set(key, next + 1);
      picked.push(members[next % members.length]);
    }
    return picked;
  }
}

function copy(headers: MessageHeaders | null): MessageHeaders | null {
  return headers === null ? null : { ...headers };
}
