// Each upstream attempt's outcome goes to the health-prober, which judges channels on them. One message per
// attempt cost ingress a publish and the prober a whole handler run (decode, validation, dispatch) on every
// request; they now leave in batches:
// - a success waits at most BATCH_MS (one timer per batch, none per request): health is judged over many
//   outcomes, and a success arriving a few milliseconds later changes no decision;
// - a failure leaves at the end of this event-loop turn, with whatever waited, so an ejection is not delayed;
// - with tracing on, each outcome leaves at once, inside its attempt's context, so the prober's span of it is
//   a child of that attempt (a batch can only carry one trace);
// - a full batch (MAX_OUTCOMES_PER_MESSAGE) leaves at once.
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import {
  MAX_OUTCOMES_PER_MESSAGE,
  UpstreamOutcome,
  UpstreamOutcomesRecorded,
} from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { tracingEnabled } from '@relaymesh/telemetry';

const BATCH_MS = 20;

/** The batching rule, apart from the bus (unit-tested with fake timers). */
export class OutcomeBatch {
  private outcomes: UpstreamOutcome[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushScheduled = false;

  constructor(
    private readonly send: (outcomes: UpstreamOutcome[]) => void,
    private readonly sendEachAtOnce: () => boolean = () => false,
  ) {}

  add(outcome: UpstreamOutcome): void {
    if (this.sendEachAtOnce()) {
      this.send([outcome]);
      return;
    }
    if (this.outcomes.push(outcome) >= MAX_OUTCOMES_PER_MESSAGE) {
      this.flush();
    } else if (outcome.error_class !== 'none') {
      this.flushAtEndOfTurn();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), BATCH_MS);
      this.timer.unref();
    }
  }

  /** Sends what waits, now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushScheduled = false;
    if (this.outcomes.length === 0) return;
    const outcomes = this.outcomes;
    this.outcomes = [];
    this.send(outcomes);
  }

  private flushAtEndOfTurn(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }
}

@Injectable()
export class OutcomeReporter implements BeforeApplicationShutdown {
  private readonly batch: OutcomeBatch;

  constructor(bus: MessageBus) {
    this.batch = new OutcomeBatch(
      (outcomes) => bus.emit(UpstreamOutcomesRecorded, { outcomes }),
      tracingEnabled,
    );
  }

  report(outcome: UpstreamOutcome): void {
    this.batch.add(outcome);
  }

  /** Before the bus closes: what waits is sent. */
  beforeApplicationShutdown(): void {
    this.batch.flush();
  }
}
