// Where a planned request is carried out: picks a channel and calls it, failing over to another eligible
// channel while nothing has been sent to the client (bounded attempts, never the same channel twice for a
// model), then down the request's cross-model fallback chain. Each attempt has a deadline: the channel's
// `timeout_ms` for a whole non-stream answer, and for a stream until its first byte (capped by
// RELAYMESH_FIRST_BYTE_TIMEOUT_MS); a missed deadline fails over like any transient fault. A 429 cools the
// channel down on this replica. Each attempt's outcome goes to the health-prober (fire-and-forget) and to the
// metrics. What to send to a channel and how to read its answer is the plan's (plan/relay-plan.ts: attemptFor);
// a `mock` channel is answered by local/. Attempts return what they served; the request's trace is written
// once, from the folded outcome, when the relay ends (served or not).
import { Injectable, Logger } from '@nestjs/common';
import { ErrorClass, MAX_LOGGED_ATTEMPTS } from '@relaymesh/contracts';
import {
  ERROR_BODY_MAX_BYTES,
  answerHeadFault,
  classifyUpstreamError,
  classifyUpstreamStatus,
  isRetryable,
  readBodyHead,
  redactSecrets,
} from '@relaymesh/protocols';
import { RoutingTable, routingStages, selectChannel } from '@relaymesh/routing';
import {
  noAvailableChannel as countNoChannel,
  genAiClientOperationDuration,
  genAiMetricOperation,
  genAiProviderName,
  ingressFailovers,
  ingressModelFallbacks,
  labelledChildren,
  routingPanics,
  upstreamAttemptDuration,
  upstreamAttempts,
} from '@relaymesh/telemetry';
import { Dispatcher } from 'undici';
import { Admitted } from '../admission/admission.service';
import { IngressEnv } from '../config/ingress.env';
import { GatewayError, noAvailableChannel } from '../http/gateway-error';
import { DataPlaneReply } from '../http/exchange';
import { RequestTrace, recordRelay } from '../http/request-trace';
import { serveMock } from '../local/mock-channel';
import {
  AttemptPlan,
  DROPPED_TOOLS_HEADER,
  RelayPlan,
  attemptFor,
  droppedToolsHeader,
  unknownStoredState,
} from '../plan/relay-plan';
import { tracedAttempt } from '../tracing/request-spans';
import { IngressChannel, SnapshotStore } from '../routing-snapshot/snapshot-store.service';
import { AttemptContext, AttemptFailure, AttemptResult, RelayOutcome } from './attempt';
import { ChannelCooldowns } from './channel-cooldowns';
import { Deadline, DeadlineQueue } from './deadline-queue';
import { failureCode, publicFailureText } from './failure-text';
import { OutcomeReporter } from './outcome-reporter';
import { UpstreamClientError } from './upstream-client-error';
import { answerJson } from './json-answer';
import { answerStream } from './stream-answer';
import { UpstreamPools } from './upstream-pool.service';

const logger = new Logger('UpstreamRelay');

const attemptsBy = labelledChildren((...values) => upstreamAttempts.labels(...values));
const attemptDurationBy = labelledChildren((...values) =>
  upstreamAttemptDuration.labels(...values),
);
const operationDurationBy = labelledChildren((...values) =>
  genAiClientOperationDuration.labels(...values),
);

/** One request for the relay: admitted, planned, with the client's reply and abort signal. */
export interface RelayJob {
  /** Only an admitted request reaches an upstream (admission/admission.service.ts). */
  admitted: Admitted;
  plan: RelayPlan;
  reply: DataPlaneReply;
  signal: AbortSignal;
  /** Read for its route and ids (metrics, spans, logs); written once, from the outcome, when the relay ends. */
  trace: RequestTrace;
}

@Injectable()
export class UpstreamRelay {
  /** Every attempt's deadline, on one timer (deadline-queue.ts). */
  private readonly deadlines = new DeadlineQueue();

  constructor(
    private readonly store: SnapshotStore,
    private readonly pools: UpstreamPools,
    private readonly outcomes: OutcomeReporter,
    private readonly env: IngressEnv,
    private readonly cooldowns: ChannelCooldowns,
  ) {}

  /**
   * Serves the job from the first channel that answers, or throws why none did (404 unknown model, 503 no
   * channel, 429/502/504 every channel failed, or the provider's own refusal of the request); returns what
   * it did (the serving channel, what it answered).
   */
  async relay(job: RelayJob): Promise<RelayOutcome> {
    const outcome: RelayOutcome = {
      attempts: 0,
      attemptLog: [],
      channel: null,
      upstreamModel: null,
      model: null,
      served: null,
    };
    try {
      await this.route(job, outcome);
    } finally {
      recordRelay(job.trace, outcome);
    }
    return outcome;
  }

  private async route(request: RelayJob, outcome: RelayOutcome): Promise<void> {
    const table = this.store.table;
    if (!table) {
      throw new GatewayError(503, 'The gateway has no routing table yet; retry shortly.', {
        retryAfter: 1,
      });
    }
    const { model: requested, models } = request.plan.scope;
    let lastFailure: AttemptFailure | null = null;
    let anyKnown = false;
    const toolRefusal: HostedToolRefusal = { tools: null };
    for (const [index, model] of models.entries()) {
      if (index > 0) {
        if (request.signal.aborted) break;
        ingressModelFallbacks.inc();
      }
      const result = await this.routeModel(table, request, model, outcome, toolRefusal);
      if (result === 'served') return;
      if (result !== 'unknown_model') anyKnown = true;
      if (typeof result === 'object') {
        lastFailure = result;
        if (!isRetryable(result.errorClass)) break;
      }
    }
    if (!anyKnown) {
      throw new GatewayError(404, `The model '${requested}' does not exist.`, {
        code: 'model_not_found',
      });
    }
    // No channel was tried but one would have had to drop hosted tools and refuses to: the client's to fix.
    if (!lastFailure && toolRefusal.tools) throw hostedToolsRefused(requested, toolRefusal.tools);
    // No channel held the stored state the request names: the last one's own words say so.
    if (lastFailure?.refusal) throw lastFailure.refusal;
    if (!lastFailure) countNoChannel.inc({ model: requested, group: request.admitted.key.group });
    throw this.finalError(lastFailure, request);
  }

  /**
   * Tries one model: stage by stage of the provider preferences, channel by channel within a stage, up to
   * the attempt budget. The last failure, or why no channel was tried.
   */
  private async routeModel(
    table: RoutingTable<IngressChannel>,
    request: RelayJob,
    model: string,
    outcome: RelayOutcome,
    toolRefusal: HostedToolRefusal,
  ): Promise<'served' | 'unknown_model' | 'no_channel' | AttemptFailure> {
    const lookup = table.tiers(request.admitted.key.group, model);
    if (!lookup.known) return 'unknown_model';
    const stages = routingStages(
      lookup.tiers.flatMap((tier) => tier.withEjected.map((route) => route.channel)),
      request.plan.scope.preferences,
      (channel) => channel.latency_ms,
    ) ?? [undefined];
    const tried = new Set<string>();
    let lastFailure: AttemptFailure | null = null;
    let attempts = 0;
    for (const within of stages) {
      while (attempts < this.env.maxAttempts) {
        const selection = selectChannel(
          table,
          {
            group: request.admitted.key.group,
            model,
            exclude: tried,
            avoid: this.cooldowns.cooling(),
            within,
          },
          Math.random,
        );
        if (!selection.ok) break;
        const channel = selection.channel;
        tried.add(channel.id);
        const plan = attemptFor(
          request.plan,
          channel,
          selection.upstreamModel,
          Math.random,
          selection.variant,
        );
        // A channel that cannot serve this request (its format, or a request only its own format carries).
        if (plan === null) continue;
        if (plan.kind === 'refused') {
          toolRefusal.tools = plan.droppedTools;
          continue;
        }
        if (selection.panic) routingPanics.inc({ model });
        if (lastFailure) ingressFailovers.inc({ error_class: lastFailure.errorClass });
        attempts++;
        outcome.attempts += 1;
        outcome.model = model;
        outcome.channel = { id: channel.id, name: channel.name, type: channel.type };
        outcome.upstreamModel = selection.upstreamModel;
        const startedAt = performance.now();
        const log = (status: number, errorClass: ErrorClass) => {
          if (outcome.attemptLog.length >= MAX_LOGGED_ATTEMPTS) return;
          outcome.attemptLog.push({
            channel_id: channel.id,
            model,
            upstream_model: selection.upstreamModel,
            status,
            error_class: errorClass,
            started_ms: startedAt - request.trace.startedAt,
            duration_ms: performance.now() - startedAt,
          });
        };
        let result: AttemptResult;
        try {
          result = await tracedAttempt(
            request.trace,
            { model, number: outcome.attempts },
            channel,
            selection.upstreamModel,
            () => this.attempt(request, channel, model, plan, outcome.attempts),
          );
        } catch (err) {
          // The provider refused the request itself (relayed to the client as it is): still an attempt.
          if (err instanceof UpstreamClientError) log(err.status, 'client');
          throw err;
        }
        log(
          result.ok ? 200 : result.status,
          result.ok ? (result.lateError ?? 'none') : result.errorClass,
        );
        if (result.ok) {
          outcome.served = {
            usage: result.usage,
            firstByteAt: result.firstByteAt,
            responseModel: result.responseModel,
            lateError: result.lateError,
            droppedTools: result.droppedTools,
            storedIds: result.storedIds,
          };
          return 'served';
        }
        lastFailure = result;
        const elsewhere = isRetryable(result.errorClass) || result.refusal !== undefined;
        if (!elsewhere || request.signal.aborted) return result;
      }
    }
    return lastFailure ?? 'no_channel';
  }

  private async attempt(
    request: RelayJob,
    channel: IngressChannel,
    model: string,
    plan: Exclude<AttemptPlan, { kind: 'refused' }>,
    attemptNumber: number,
  ): Promise<AttemptResult> {
    const startedAt = performance.now();
    const report = (errorClass: ErrorClass, status: number, message: string | null) =>
      this.report(channel, request, model, errorClass, status, startedAt, message);
    const failed = (failure: AttemptFailure) =>
      logFailure(request.trace.requestId, attemptNumber, channel, failure);
    if (plan.kind === 'local') {
      const served = await serveMock(plan, request.reply);
      report('none', 200, null);
      return { ok: true, ...served };
    }
    const limits = this.env.upstreamLimits;
    const built = plan.request;
    const deadline = new AttemptDeadline(
      request.signal,
      this.deadlineMs(channel, request.plan.scope.stream),
      this.deadlines,
    );
    try {
      let response: Dispatcher.ResponseData;
      try {
        const target = this.pools.targetOf(channel);
        response = await target.pool.request({
          method: 'POST',
          // A base_url's path is a prefix (https://openrouter.ai/api): the pool holds the origin only.
          path: target.pathPrefix + built.path,
          headers: built.headers,
          body: built.body,
          signal: deadline.signal,
          headersTimeout: channel.timeout_ms,
          // Between two chunks of a stream once it flows; the deadline covers the wait for the first.
          bodyTimeout: channel.timeout_ms,
        });
      } catch (err) {
        const errorClass = deadline.expired
          ? 'timeout'
          : request.signal.aborted
            ? 'client'
            : classifyUpstreamError(err);
        const message = `${channel.name}: ${deadline.expired ? `no answer within ${deadline.ms} ms` : (err as Error).message}`;
        report(errorClass, 0, message);
        return failed({
          ok: false,
          errorClass,
          status: 0,
          message,
          reason: failureCode(err),
        });
      }
      if (response.statusCode >= 400) {
        // The one place an upstream error body becomes text, and only its head (the envelope is wanted: the
        // class, a message, or the refusal relayed to the caller). Whatever it echoes of the channel's
        // credentials is removed before it can reach the client, the channel's health or a log.
        const head = await readBodyHead(
          response.body,
          Math.min(limits.bodyBytes, ERROR_BODY_MAX_BYTES),
        ).catch(() => ({ text: '', truncated: false }));
        const text = redactSecrets(head.text, channel.secrets);
        const errorClass = classifyUpstreamStatus(response.statusCode, text);
        report(errorClass, response.statusCode, text.slice(0, 500) || null);
        if (errorClass === 'rate_limited') this.cooldowns.cool(channel, response.headers);
        if (errorClass === 'client') {
          const refusal = new UpstreamClientError(
            response.statusCode,
            text,
            String(response.headers['content-type'] ?? 'application/json'),
          );
          const { plan: relayPlan } = request;
          if (
            relayPlan.kind === 'generate' &&
            relayPlan.searchesStoredState &&
            unknownStoredState(response.statusCode, text)
          ) {
            return failed({
              ok: false,
              errorClass,
              status: response.statusCode,
              message: `${channel.name}: does not hold the stored state the request names`,
              reason: 'unknown_stored_state',
              refusal,
            });
          }
          throw refusal;
        }
        return failed({
          ok: false,
          errorClass,
          status: response.statusCode,
          message: `${channel.name}: upstream ${response.statusCode}${head.truncated ? ' (its body over the limit, not read)' : ''}`,
          reason: `http_${response.statusCode}`,
        });
      }
      // A status below 400 is not yet an answer: a redirect, an empty 204 or an encoded body is the channel's
      // fault (D8), failed over like a 5xx before anything reaches the client.
      const headFault = answerHeadFault(response.statusCode, response.headers);
      if (headFault !== null) {
        response.body.on('error', () => undefined);
        response.body.destroy();
        const message = `${channel.name}: answered ${response.statusCode}${headFault === 'unrequested_encoding' ? ` in ${String(response.headers['content-encoding'])}` : ''}, which is not an answer (${headFault})`;
        report('server', response.statusCode, message);
        return failed({
          ok: false,
          errorClass: 'server',
          status: response.statusCode,
          message,
          reason: headFault,
        });
      }
      const context: AttemptContext = {
        channel,
        committed: () => deadline.lift(),
        reportLateFailure: (errorClass, message) =>
          report(errorClass, response.statusCode, message),
        limits,
      };
      const { reading, droppedTools } = plan;
      // Set before the answer's head goes out, taken back if this channel fails before it did.
      const dropped = droppedToolsHeader(droppedTools);
      if (dropped !== null) request.reply.header(DROPPED_TOOLS_HEADER, dropped);
      let result =
        reading.kind === 'relay_json' || reading.kind === 'render_json'
          ? await answerJson(response, request.reply, context, reading)
          : await answerStream(response, request.reply, context, reading);
      if (!result.ok && dropped !== null && !request.reply.sent) {
        request.reply.removeHeader(DROPPED_TOOLS_HEADER);
      }
      if (!result.ok && deadline.expired) {
        result = {
          ...result,
          errorClass: 'timeout',
          message: `${channel.name}: no first byte within ${deadline.ms} ms`,
        };
      }
      if (result.ok) {
        report('none', response.statusCode, null);
        return droppedTools.length > 0 ? { ...result, droppedTools } : result;
      }
      report(result.errorClass, result.status, result.message);
      return failed(result);
    } finally {
      deadline.dispose();
    }
  }

  /** How long an attempt may take before it is abandoned for another channel. */
  private deadlineMs(channel: IngressChannel, stream: boolean): number {
    const firstByte = this.env.firstByteTimeoutMs;
    return stream && firstByte > 0 ? Math.min(channel.timeout_ms, firstByte) : channel.timeout_ms;
  }

  private report(
    channel: IngressChannel,
    request: RelayJob,
    /** The model being tried (a fallback's own name): a catalogue model, a bounded label. */
    tried: string,
    errorClass: ErrorClass,
    status: number,
    startedAt: number,
    message: string | null,
  ): void {
    const { model } = request.plan.scope;
    const latencyMs = Math.max(0, performance.now() - startedAt);
    const outcome = errorClass === 'none' ? 'success' : 'error';
    // Children in labelNames order: channel, provider, model, outcome, error_class. The model being tried
    // (a fallback's own name) is a catalogue model: a bounded label.
    attemptsBy(channel.name, channel.type, tried, outcome, errorClass).inc();
    attemptDurationBy(channel.name, channel.type, outcome).observe(latencyMs / 1000);
    const operation = genAiMetricOperation(request.trace.route);
    if (operation !== null) {
      operationDurationBy(
        operation,
        genAiProviderName(channel.type),
        tried,
        errorClass === 'none' ? '' : errorClass,
      ).observe(latencyMs / 1000);
    }
    this.outcomes.report({
      channel_id: channel.id,
      model,
      status,
      error_class: errorClass,
      latency_ms: latencyMs,
      // Transport errors and stream failures carry upstream text too; health records are read by read-only admins.
      message: message === null ? null : redactSecrets(message, channel.secrets).slice(0, 1000),
      at: new Date().toISOString(),
    });
  }

  private finalError(last: AttemptFailure | null, request: RelayJob): GatewayError {
    const { model, models } = request.plan.scope;
    const { group } = request.admitted.key;
    if (!last) return noAvailableChannel(model, group);
    if (last.errorClass === 'rate_limited') {
      // Every channel left was rate-limited upstream: a 429 with the time until the first cools down tells
      // SDKs to back off and retry, which a 502 would not.
      const table = this.store.table;
      const ids = table ? models.flatMap((m) => channelIds(table, group, m)) : [];
      return new GatewayError(
        429,
        `Every eligible channel for '${model}' is rate-limited upstream; retry after the Retry-After delay.`,
        { code: 'upstream_rate_limited', retryAfter: this.cooldowns.secondsUntilFree(ids) ?? 5 },
      );
    }
    if (last.errorClass === 'timeout') {
      return new GatewayError(504, `Every eligible channel for '${model}' timed out.`, {
        code: 'upstream_timeout',
      });
    }
    // In the caller's terms only: the channel's name, addresses and the transport's own words stay in the logs,
    // the channel's health and the trace (D15).
    return new GatewayError(
      502,
      `Every eligible channel for '${model}' failed: ${publicFailureText(last)}.`,
      { code: 'upstream_error' },
    );
  }
}

/** Set by the attempts of a request when a channel refused it for the hosted tools it would drop. */
interface HostedToolRefusal {
  tools: readonly string[] | null;
}

/** The 400 of a request whose hosted tools no channel would run and one refused to drop (`hosted_tools`). */
function hostedToolsRefused(model: string, tools: readonly string[]): GatewayError {
  return new GatewayError(
    400,
    `The provider serving '${model}' cannot run the hosted tools ${tools
      .slice(0, 32)
      .map((t) => `'${t.slice(0, 100)}'`)
      .join(', ')}, ` +
      `and its channel refuses requests whose tools it would drop: remove them from 'tools'.`,
    { code: 'unsupported_tool', param: 'tools', type: 'invalid_request_error' },
  );
}

/** Logs a failed attempt with what the client is not told, and hands the failure on. */
function logFailure(
  requestId: string,
  attempt: number,
  channel: IngressChannel,
  failure: AttemptFailure,
): AttemptFailure {
  logger.warn(
    `request ${requestId}: attempt ${attempt} failed (${failure.errorClass}${failure.status > 0 ? `, status ${failure.status}` : ''}): ${redactSecrets(failure.message, channel.secrets)}`,
  );
  return failure;
}

function channelIds(table: RoutingTable<IngressChannel>, group: string, model: string): string[] {
  const lookup = table.tiers(group, model);
  return lookup.known ? lookup.tiers.flatMap((t) => t.withEjected.map((r) => r.channel.id)) : [];
}

/**
 * The attempt's own abort signal: the client's (a client that goes away cancels the upstream call, mid-stream
 * too), plus a deadline that `lift()` removes once the answer has reached the client.
 */
class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly deadline: Deadline;
  private readonly onClientAbort = () => this.controller.abort(this.clientSignal.reason);
  expired = false;

  constructor(
    private readonly clientSignal: AbortSignal,
    readonly ms: number,
    deadlines: DeadlineQueue,
  ) {
    if (clientSignal.aborted) this.controller.abort(clientSignal.reason);
    else clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
    this.deadline = deadlines.add(ms, () => {
      this.expired = true;
      this.controller.abort(new Error(`attempt deadline of ${ms} ms passed`));
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  lift(): void {
    this.deadline.lift();
  }

  /** The attempt is over: nothing to cancel any more. */
  dispose(): void {
    this.deadline.lift();
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }
}
