// The health state machine of one channel: a pure function of (state, event, now, policy, randomness) that
// returns the new state and what it implies (a transition to store and publish at once, a change to publish
// with the next batch, the time of the next probe). Modelled on Envoy's outlier detection and active health
// checks (shared/research/ecosystem-reliability.md §3):
//
//   unknown ─ok─▶ healthy ◀─window clean─ degraded ◀─transient─ healthy
//   in rotation ─5 consecutive transient, or ≥50% of ≥20 in 60 s─▶ ejected (30 s × n, capped, jittered)
//   any ─auth / quota─▶ disabled (at once)
//   ejected (after its time) / disabled ─probes with back-off, 2 successes─▶ recovering (reduced weight)
//   recovering ─ramp over─▶ healthy;  recovering ─transient─▶ ejected with n+1
//
// The window is kept in buckets: a failure counts until its whole bucket has left the window (60 s plus up to
// one bucket width).
//
// n (the ejection count) decays by one for every `ejectionDecayMs` the channel spends back in rotation, so a
// channel that relapses soon after re-admission stays out longer and one that was stable for a while starts
// over at 30 s (Envoy decrements its multiplier per interval while healthy; this is the same idea measured from
// the re-admission, which needs no per-tick bookkeeping).
import { ChannelHealth, ErrorClass, HealthState, UNKNOWN_HEALTH } from '@relaymesh/contracts';
import { describeUpstreamStatus } from '@relaymesh/protocols';
import {
  EMPTY_WINDOW,
  FailureWindow,
  WindowShape,
  pruneWindow,
  recordInWindow,
  windowTotals,
} from './failure-window';

/** Every threshold of the machine; defaults in config/health-prober.env.ts, configurable per deployment. */
export interface HealthPolicy {
  /** Consecutive transient failures that eject (5). */
  consecutiveFailures: number;
  /** The failure-ratio window (60 s in 6 buckets). */
  window: WindowShape;
  /** Requests the window needs before its ratio may eject (20). */
  windowMinRequests: number;
  /** Failure ratio that ejects (0.5). */
  failureRatio: number;
  /** Ejection time is base × n, capped (30 s, 300 s). */
  ejectionBaseMs: number;
  ejectionMaxMs: number;
  /** Up to this share is taken off an ejection time at random, so ejected channels are not all probed at once. */
  ejectionJitter: number;
  /** n drops by one per this much time back in rotation (300 s). */
  ejectionDecayMs: number;
  /** First probe interval of an ejected channel, doubled per failed probe up to the max (5 s, 60 s). */
  probeIntervalMs: number;
  probeMaxIntervalMs: number;
  /**
   * The same for a disabled channel (60 s, 15 min): a bad key or an empty account rarely heals in seconds, and
   * each probe of it costs a rejected request at the provider.
   */
  disabledProbeIntervalMs: number;
  disabledProbeMaxIntervalMs: number;
  /** Consecutive successful probes that re-admit (2). */
  probeSuccesses: number;
  /** The ramp after re-admission: its length and the share of the weight meanwhile (30 s, 0.25). */
  rampMs: number;
  rampWeight: number;
}

export interface MachineState {
  health: ChannelHealth;
  /** n: how many times it was ejected, decayed (see the top of the file). */
  ejections: number;
  /** When it last came back into rotation, epoch ms (for the decay of n). */
  readmittedAt: number | null;
  ejectedUntil: number | null;
  /** When a probe is due; null while in rotation. */
  nextProbeAt: number | null;
  probeSuccesses: number;
  probeFailures: number;
  rampUntil: number | null;
  window: FailureWindow;
}

export const INITIAL_STATE: MachineState = {
  health: UNKNOWN_HEALTH,
  ejections: 0,
  readmittedAt: null,
  ejectedUntil: null,
  nextProbeAt: null,
  probeSuccesses: 0,
  probeFailures: 0,
  rampUntil: null,
  window: EMPTY_WINDOW,
};

/** What an upstream call (traffic) or a probe told about the channel. */
export interface CallResult {
  errorClass: ErrorClass;
  /** HTTP status, 0 for a transport error. */
  status: number;
  latencyMs: number;
  /** The upstream body (status errors) or the transport error's message. */
  message: string | null;
}

export type HealthEvent =
  | ({ kind: 'outcome' } & CallResult)
  | ({ kind: 'probe' } & CallResult)
  /** Time passing: ends ramps and clears degraded channels whose window is clean. */
  | { kind: 'tick' };

/** Why a channel was taken out of rotation (a metric label). */
export type EjectionCause = 'consecutive' | 'failure_ratio' | 'relapse' | 'auth' | 'quota';

export interface Transition {
  from: HealthState;
  to: HealthState;
  reason: string;
  lastError: string | null;
  /** Set when the transition takes the channel out of rotation. */
  cause: EjectionCause | null;
}

export interface Step {
  state: MachineState;
  /** Store in the history and publish now. */
  transition: Transition | null;
  /** Health fields changed without a transition (latency, counters): publish with the next batch. */
  changed: boolean;
}

/** Latency is smoothed so one slow answer does not swing the figure (EWMA, weight of the newest sample). */
const LATENCY_WEIGHT = 0.2;
const MAX_ERROR_TEXT = 300;

export function isOutOfRotation(state: HealthState): boolean {
  return state === 'ejected' || state === 'disabled';
}

/** The share of its weight a channel in this state gets. */
export function weightFactor(state: MachineState, policy: HealthPolicy): number {
  return state.health.state === 'recovering' ? policy.rampWeight : 1;
}

/**
 * The operator changed what the channel is (keys, base URL, models): an out-of-rotation channel is probed now,
 * from a fresh back-off, instead of waiting out one meant for the old settings.
 */
export function probeSoon(state: MachineState, now: number): MachineState {
  if (!isOutOfRotation(state.health.state)) return state;
  return { ...state, nextProbeAt: now, probeFailures: 0, probeSuccesses: 0 };
}

export function probeDue(state: MachineState, now: number): boolean {
  return state.nextProbeAt !== null && now >= state.nextProbeAt;
}

export function step(
  state: MachineState,
  event: HealthEvent,
  now: number,
  policy: HealthPolicy,
  random: () => number,
): Step {
  switch (event.kind) {
    case 'tick':
      return tick(state, now, policy);
    case 'outcome':
      return onTraffic(state, event, now, policy, random);
    case 'probe':
      return isOutOfRotation(state.health.state)
        ? onReadmissionProbe(state, event, now, policy)
        : // A probe of a channel in rotation (the admin test) says what a request would have said.
          onTraffic(state, event, now, policy, random);
  }
}

function onTraffic(
  state: MachineState,
  result: CallResult,
  now: number,
  policy: HealthPolicy,
  random: () => number,
): Step {
  const checked = withHealth(state, { last_checked_at: iso(now) });
  const current = state.health.state;
  switch (result.errorClass) {
    case 'none': {
      const next = withHealth(
        { ...checked, window: recordInWindow(state.window, now, false, policy.window) },
        {
          consecutive_failures: 0,
          latency_ms: smoothed(state.health.latency_ms, result.latencyMs),
        },
      );
      if (current === 'unknown') return moved(next, 'healthy', 'answered', null);
      return { state: next, transition: null, changed: true };
    }
    // The caller's own faults say nothing about the channel; a rate limit is a cool-down, not ill health.
    case 'client':
    case 'rate_limited':
      return { state: checked, transition: null, changed: true };
    case 'auth':
    case 'quota':
      if (current === 'disabled') return { state: checked, transition: null, changed: true };
      return disable(checked, result, now, policy);
    case 'server':
    case 'timeout':
    case 'connect':
    case 'reset': {
      const lastError = errorText(result);
      const next = withHealth(
        { ...checked, window: recordInWindow(state.window, now, true, policy.window) },
        { consecutive_failures: state.health.consecutive_failures + 1, last_error: lastError },
      );
      // Out of rotation, traffic only arrives through ingress's panic routing: probes decide re-admission.
      if (isOutOfRotation(current)) return { state: next, transition: null, changed: true };
      if (current === 'recovering') {
        return eject(next, now, policy, random, 'relapse', `failed during its ramp: ${lastError}`);
      }
      if (next.health.consecutive_failures >= policy.consecutiveFailures) {
        return eject(
          next,
          now,
          policy,
          random,
          'consecutive',
          `${next.health.consecutive_failures} consecutive failures, last: ${lastError}`,
        );
      }
      const totals = windowTotals(next.window, now, policy.window);
      if (
        totals.requests >= policy.windowMinRequests &&
        totals.failures / totals.requests >= policy.failureRatio
      ) {
        const percent = Math.round((100 * totals.failures) / totals.requests);
        return eject(
          next,
          now,
          policy,
          random,
          'failure_ratio',
          `${percent}% of ${totals.requests} requests failed in ${policy.window.windowMs / 1000} s, last: ${lastError}`,
        );
      }
      if (current !== 'degraded') return moved(next, 'degraded', lastError, null);
      return { state: next, transition: null, changed: true };
    }
  }
}

function onReadmissionProbe(
  state: MachineState,
  result: CallResult,
  now: number,
  policy: HealthPolicy,
): Step {
  const checked = withHealth(state, { last_checked_at: iso(now) });
  switch (result.errorClass) {
    // A 4xx about the probe itself (e.g. a model that refuses max_tokens 1) still proves the channel reachable
    // and its key accepted: it counts as a success, like a 200.
    case 'none':
    case 'client': {
      const successes = state.probeSuccesses + 1;
      const next = withHealth(
        { ...checked, probeSuccesses: successes, probeFailures: 0 },
        { latency_ms: smoothed(state.health.latency_ms, result.latencyMs) },
      );
      if (successes < policy.probeSuccesses) {
        return {
          state: { ...next, nextProbeAt: now + policy.probeIntervalMs },
          transition: null,
          changed: true,
        };
      }
      const readmitted: MachineState = {
        ...withHealth(next, { consecutive_failures: 0, disabled_at: null }),
        readmittedAt: now,
        ejectedUntil: null,
        nextProbeAt: null,
        probeSuccesses: 0,
        rampUntil: now + policy.rampMs,
        window: EMPTY_WINDOW,
      };
      return moved(readmitted, 'recovering', `passed ${successes} probes`, null);
    }
    // Rate-limited is neither proof of health nor of ill health: ask again at the base interval.
    case 'rate_limited':
      return {
        state: { ...checked, nextProbeAt: now + baseProbeInterval(state, policy) },
        transition: null,
        changed: true,
      };
    case 'auth':
    case 'quota':
      if (state.health.state === 'ejected') return disable(checked, result, now, policy);
      return probeFailed(checked, result, now, policy);
    case 'server':
    case 'timeout':
    case 'connect':
    case 'reset':
      return probeFailed(checked, result, now, policy);
  }
}

function probeFailed(
  state: MachineState,
  result: CallResult,
  now: number,
  policy: HealthPolicy,
): Step {
  const failures = state.probeFailures + 1;
  const next = withHealth(
    {
      ...state,
      probeSuccesses: 0,
      probeFailures: failures,
      nextProbeAt: now + probeBackoff(state, failures, policy),
    },
    { last_error: errorText(result) },
  );
  return { state: next, transition: null, changed: true };
}

function baseProbeInterval(state: MachineState, policy: HealthPolicy): number {
  return state.health.state === 'disabled'
    ? policy.disabledProbeIntervalMs
    : policy.probeIntervalMs;
}

/** The base interval after the first failed probe, doubled per further failure, capped. */
export function probeBackoff(state: MachineState, failures: number, policy: HealthPolicy): number {
  const disabled = state.health.state === 'disabled';
  const base = baseProbeInterval(state, policy);
  const max = disabled ? policy.disabledProbeMaxIntervalMs : policy.probeMaxIntervalMs;
  const doubled = base * 2 ** Math.min(Math.max(0, failures - 1), 20);
  return Math.min(doubled, Math.max(base, max));
}

function tick(state: MachineState, now: number, policy: HealthPolicy): Step {
  const window = pruneWindow(state.window, now, policy.window);
  const pruned = window === state.window ? state : { ...state, window };
  switch (pruned.health.state) {
    case 'recovering':
      if (pruned.rampUntil !== null && now >= pruned.rampUntil) {
        return moved({ ...pruned, rampUntil: null }, 'healthy', 'ramp complete', null);
      }
      break;
    case 'degraded':
      if (windowTotals(window, now, policy.window).failures === 0) {
        return moved(
          pruned,
          'healthy',
          `no failure in the last ${policy.window.windowMs / 1000} s`,
          null,
        );
      }
      break;
    case 'unknown':
    case 'healthy':
    case 'ejected':
    case 'disabled':
      break;
  }
  return { state: pruned, transition: null, changed: false };
}

function eject(
  state: MachineState,
  now: number,
  policy: HealthPolicy,
  random: () => number,
  cause: EjectionCause,
  reason: string,
): Step {
  const quiet = state.readmittedAt === null ? 0 : now - state.readmittedAt;
  const decayed = Math.max(0, state.ejections - Math.floor(quiet / policy.ejectionDecayMs));
  const n = decayed + 1;
  const capped = Math.min(policy.ejectionBaseMs * n, policy.ejectionMaxMs);
  const duration = Math.round(capped * (1 - policy.ejectionJitter * random()));
  const ejected: MachineState = {
    ...withHealth(state, { disabled_at: iso(now), reason }),
    ejections: n,
    ejectedUntil: now + duration,
    nextProbeAt: now + duration,
    probeSuccesses: 0,
    probeFailures: 0,
    rampUntil: null,
    // Re-admitted channels start with a clean window, so old failures cannot eject them again at once.
    window: EMPTY_WINDOW,
  };
  return moved(ejected, 'ejected', reason, cause);
}

function disable(state: MachineState, result: CallResult, now: number, policy: HealthPolicy): Step {
  const cause = result.errorClass === 'auth' ? 'auth' : 'quota';
  const what = cause === 'auth' ? 'upstream key rejected' : 'upstream quota exhausted';
  const reason = `${what}: ${errorText(result)}`;
  const disabled: MachineState = {
    ...withHealth(state, { disabled_at: iso(now), reason, last_error: errorText(result) }),
    ejectedUntil: null,
    nextProbeAt: now + policy.disabledProbeIntervalMs,
    probeSuccesses: 0,
    probeFailures: 0,
    rampUntil: null,
  };
  return moved(disabled, 'disabled', reason, cause);
}

function moved(
  state: MachineState,
  to: HealthState,
  reason: string,
  cause: EjectionCause | null,
): Step {
  const from = state.health.state;
  // Leaving the out-of-rotation states clears the reason they were out for; entering one sets it.
  const next = withHealth(state, {
    state: to,
    reason: isOutOfRotation(to) ? reason : null,
    ...(isOutOfRotation(to) ? {} : { disabled_at: null }),
  });
  return {
    state: next,
    transition: { from, to, reason, lastError: next.health.last_error, cause },
    changed: true,
  };
}

function withHealth(state: MachineState, health: Partial<ChannelHealth>): MachineState {
  return { ...state, health: { ...state.health, ...health } };
}

function smoothed(previous: number | null, sample: number): number {
  const latency = previous === null ? sample : previous + LATENCY_WEIGHT * (sample - previous);
  return Math.round(latency * 10) / 10;
}

/** `401 invalid_api_key: Incorrect API key provided`, from the provider's envelope where it has one. */
export function errorText(result: CallResult): string {
  const prefix = result.status > 0 ? `${result.status} ` : '';
  if (!result.message) return `${prefix}${result.errorClass}`;
  const detail = result.status > 0 ? describeUpstreamStatus(result.status, result.message) : null;
  const text =
    detail && (detail.code || detail.message)
      ? `${prefix}${[detail.code, detail.message].filter(Boolean).join(': ')}`
      : `${prefix}${result.message}`;
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

function iso(now: number): string {
  return new Date(now).toISOString();
}
