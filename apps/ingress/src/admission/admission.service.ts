// The one admission step of every data-plane route (ARCHITECTURE rule 7). The dispatcher opens it for every
// request before any handler runs: the key is authenticated from the caller's credentials and address. The
// handler then gets an AdmissionGate, the only thing that gives the results the rest of the pipeline takes:
// an AdmittedKey (enabled, not expired; for the model lists and the key's own record) or an Admitted request
// (also the model allowed, then the key's rpm/tpm limits and its credit, as the route's needs in the route
// table say). The relay takes only an Admitted, so nothing reaches an upstream unadmitted; the dispatcher
// refuses a handler that finished without passing the gate. The model is on the trace before anything is
// refused, so a refused attempt (a disabled key's too) is metered with its model.
import { Injectable } from '@nestjs/common';
import { KeyRecord } from '@relaymesh/contracts';
import { CreditGuard } from '../credit/credit-guard.service';
import { RequestTrace } from '../http/request-trace';
import { RateLimiter } from '../limits/rate-limiter.service';
import type { AdmissionNeeds } from '../routes/route-table';
import { AdmittedKey, Authenticator, Caller } from './authenticator.service';

declare const admitted: unique symbol;

/** A request admitted for a model: only AdmissionGate.admitModel() makes one, and the relay takes only this. */
export interface Admitted {
  readonly key: AdmittedKey;
  /** The model the client asked for, as it named it. */
  readonly model: string;
  readonly [admitted]: true;
}

/** What admission needs to know of a request for a model. */
export interface ModelRequest {
  model: string;
  stream: boolean;
  /** The client's output cap, where its format has one (the credit reservation estimates from it). */
  maxTokens: number | null;
  /** The client's body, for the credit reservation's input estimate. */
  body: unknown;
}

export class AdmissionGate {
  private passed = false;

  constructor(
    private readonly steps: Admission,
    /** The authenticated key, not yet authorized: what a handler may read before admission (its group). */
    readonly key: KeyRecord,
    readonly trace: RequestTrace,
    private readonly needs: AdmissionNeeds,
  ) {}

  /** Whether the request passed the gate (the dispatcher checks it once the handler is done). */
  get done(): boolean {
    return this.passed;
  }

  /** For a route without a model: the key enabled and not expired. */
  admitKey(): AdmittedKey {
    if (this.needs !== 'key') throw new Error(`admitKey() on a route that needs '${this.needs}'`);
    const key = this.steps.auth.authorize(this.key, null);
    this.passed = true;
    return key;
  }

  /**
   * For a route with a model: the key enabled, not expired and allowed the model; then, unless the route is
   * unbilled, its rate limits and its credit (a reservation, settled when the request ends).
   */
  async admitModel(request: ModelRequest): Promise<Admitted> {
    if (this.needs === 'key') throw new Error("admitModel() on a route that needs 'key'");
    const { trace } = this;
    trace.model = request.model;
    trace.stream = request.stream;
    trace.maxTokens = request.maxTokens;
    const key = this.steps.auth.authorize(this.key, request.model);
    if (this.needs === 'model') {
      // Both may wait: a small limit asks the ledger's shared counter, a lease may need topping up.
      await this.steps.limiter.admit(trace);
      await this.steps.credit.admit(trace, key, request.model, request.body);
    }
    this.passed = true;
    return { key, model: request.model } as Admitted;
  }
}

@Injectable()
export class Admission {
  constructor(
    readonly auth: Authenticator,
    readonly limiter: RateLimiter,
    readonly credit: CreditGuard,
  ) {}

  /** Authenticates the caller (credentials and address) and opens the gate its handler must pass. */
  async open(caller: Caller, trace: RequestTrace, needs: AdmissionNeeds): Promise<AdmissionGate> {
    const key = await this.auth.authenticate(caller);
    // The trace's key makes the request a usage record: a route without a model (the lists, the key's own
    // record) is not usage, so it is not metered, refused or not.
    if (needs !== 'key') trace.key = key;
    return new AdmissionGate(this, key, trace, needs);
  }
}
