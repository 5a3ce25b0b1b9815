import { ErrorClass, HealthState } from '@relaymesh/contracts';
import {
  CallResult,
  HealthEvent,
  HealthPolicy,
  INITIAL_STATE,
  MachineState,
  Step,
  Transition,
  probeBackoff,
  probeDue,
  probeSoon,
  step,
  weightFactor,
} from './health-state-machine';

const POLICY: HealthPolicy = {
  consecutiveFailures: 5,
  window: { windowMs: 60_000, buckets: 6 },
  windowMinRequests: 20,
  failureRatio: 0.5,
  ejectionBaseMs: 30_000,
  ejectionMaxMs: 300_000,
  ejectionJitter: 0.1,
  ejectionDecayMs: 300_000,
  probeIntervalMs: 5_000,
  probeMaxIntervalMs: 60_000,
  disabledProbeIntervalMs: 60_000,
  disabledProbeMaxIntervalMs: 900_000,
  probeSuccesses: 2,
  rampMs: 30_000,
  rampWeight: 0.25,
};

const T0 = Date.parse('2026-11-23T10:00:00.000Z');

const call = (errorClass: ErrorClass, over: Partial<CallResult> = {}): CallResult => ({
  errorClass,
  status: {
    none: 200,
    auth: 401,
    quota: 429,
    rate_limited: 429,
    server: 500,
    timeout: 0,
    connect: 0,
    reset: 0,
    client: 400,
  }[errorClass],
  latencyMs: 100,
  message: null,
  ...over,
});
const outcome = (errorClass: ErrorClass, over: Partial<CallResult> = {}): HealthEvent => ({
  kind: 'outcome',
  ...call(errorClass, over),
});
const probe = (errorClass: ErrorClass, over: Partial<CallResult> = {}): HealthEvent => ({
  kind: 'probe',
  ...call(errorClass, over),
});
const TICK: HealthEvent = { kind: 'tick' };

/** Drives the machine through timed events with a fake clock; remembers every transition. */
class Driver {
  state: MachineState = INITIAL_STATE;
  now = T0;
  readonly transitions: Transition[] = [];
  last: Step | null = null;

  constructor(
    private readonly random: () => number = () => 0,
    private readonly policy: HealthPolicy = POLICY,
  ) {}

  at(ms: number): this {
    this.now = T0 + ms;
    return this;
  }

  after(ms: number): this {
    this.now += ms;
    return this;
  }

  send(event: HealthEvent, times = 1): this {
    for (let i = 0; i < times; i++) {
      this.last = step(this.state, event, this.now, this.policy, this.random);
      this.state = this.last.state;
      if (this.last.transition) this.transitions.push(this.last.transition);
    }
    return this;
  }

  get health(): HealthState {
    return this.state.health.state;
  }

  /** Advances to the next due probe and answers it. */
  probeAnswer(errorClass: ErrorClass): this {
    expect(this.state.nextProbeAt).not.toBeNull();
    this.now = this.state.nextProbeAt!;
    expect(probeDue(this.state, this.now)).toBe(true);
    return this.send(probe(errorClass));
  }

  ejectionMs(): number {
    return this.state.ejectedUntil! - this.now;
  }
}

describe('health state machine', () => {
  describe('passive: traffic outcomes', () => {
    it.each<[string, HealthEvent[], HealthState, number]>([
      ['a first success makes it healthy', [outcome('none')], 'healthy', 0],
      ['one 5xx degrades it', [outcome('none'), outcome('server')], 'degraded', 1],
      [
        '4 transient failures do not eject',
        [outcome('none'), ...Array(4).fill(outcome('timeout'))],
        'degraded',
        4,
      ],
      ['5 consecutive transient failures eject', Array(5).fill(outcome('reset')), 'ejected', 5],
      [
        'mixed transient classes count together',
        [
          outcome('server'),
          outcome('timeout'),
          outcome('connect'),
          outcome('reset'),
          outcome('server'),
        ],
        'ejected',
        5,
      ],
      [
        'a success resets the consecutive count',
        [...Array(4).fill(outcome('server')), outcome('none'), ...Array(4).fill(outcome('server'))],
        'degraded',
        4,
      ],
      [
        '429s never count',
        [outcome('none'), ...Array(30).fill(outcome('rate_limited'))],
        'healthy',
        0,
      ],
      [
        "the caller's 400/404/413/422 never count",
        [outcome('none'), ...Array(30).fill(outcome('client', { status: 422 }))],
        'healthy',
        0,
      ],
      ['auth disables at once', [outcome('none'), outcome('auth')], 'disabled', 0],
      ['quota disables at once', [outcome('quota')], 'disabled', 0],
    ])('%s', (_, events, state, consecutive) => {
      const driver = new Driver();
      for (const event of events) driver.after(10).send(event);
      expect(driver.health).toBe(state);
      expect(driver.state.health.consecutive_failures).toBe(consecutive);
    });

    it('should eject on a failure ratio of 50% over the window with at least 20 requests', () => {
      const driver = new Driver();
      // Alternating, so never 5 in a row: 9 failures of 19 is below the volume, the 20th request decides.
      for (let i = 0; i < 19; i++) {
        driver.after(1_000).send(outcome(i % 2 === 0 ? 'none' : 'server'));
      }
      expect(driver.health).toBe('degraded');
      driver.after(1_000).send(outcome('server'));
      expect(driver.health).toBe('ejected');
      expect(driver.transitions.at(-1)).toMatchObject({ to: 'ejected', cause: 'failure_ratio' });
      expect(driver.state.health.reason).toMatch(/^50% of 20 requests failed in 60 s/);
    });

    it('should not eject on the ratio once old failures left the window', () => {
      const driver = new Driver();
      for (let i = 0; i < 10; i++) driver.after(100).send(outcome('none')).send(outcome('server'));
      expect(driver.health).toBe('ejected');
      const fresh = new Driver();
      for (let i = 0; i < 9; i++) fresh.after(100).send(outcome('none')).send(outcome('server'));
      fresh.after(70_000);
      // The 18 requests of over a minute ago (their whole bucket) no longer count: 2 requests now are below the volume.
      fresh.send(outcome('none')).send(outcome('server'));
      expect(fresh.health).toBe('degraded');
    });

    it('should smooth latency and keep the last error', () => {
      const driver = new Driver();
      driver.send(outcome('none', { latencyMs: 100 })).send(outcome('none', { latencyMs: 200 }));
      expect(driver.state.health.latency_ms).toBe(120);
      driver.send(
        outcome('server', {
          status: 503,
          message: '{"error":{"message":"overloaded","type":"server_error","code":null}}',
        }),
      );
      expect(driver.state.health.last_error).toBe('503 server_error: overloaded');
      expect(driver.state.health.last_checked_at).toBe(new Date(driver.now).toISOString());
    });

    it('should say why a key was disabled, from the provider envelope', () => {
      const driver = new Driver();
      driver.send(
        outcome('auth', {
          status: 401,
          message:
            '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}',
        }),
      );
      expect(driver.state.health).toMatchObject({
        state: 'disabled',
        reason: 'upstream key rejected: 401 invalid_api_key: Incorrect API key provided',
        disabled_at: new Date(T0).toISOString(),
      });
      expect(driver.transitions).toEqual([
        expect.objectContaining({ from: 'unknown', to: 'disabled', cause: 'auth' }),
      ]);
    });

    it('should heal degraded to healthy once the window has no failure', () => {
      const driver = new Driver();
      driver.send(outcome('none')).send(outcome('server')).send(outcome('none'));
      driver.after(50_000).send(TICK);
      expect(driver.health).toBe('degraded');
      driver.after(20_000).send(TICK);
      expect(driver.health).toBe('healthy');
      expect(driver.transitions.map((t) => t.to)).toEqual(['healthy', 'degraded', 'healthy']);
    });

    it('should publish a transition at once and other changes with the batch', () => {
      const driver = new Driver();
      driver.send(outcome('none'));
      expect(driver.last).toMatchObject({
        changed: true,
        transition: { from: 'unknown', to: 'healthy' },
      });
      driver.send(outcome('none'));
      expect(driver.last).toMatchObject({ changed: true, transition: null });
      driver.send(TICK);
      expect(driver.last).toMatchObject({ changed: false, transition: null });
    });
  });

  describe('ejection time', () => {
    /** Ejects, waits out the ejection, passes 2 probes and the ramp, then relapses after `quietMs`. */
    const cycle = (driver: Driver) => {
      driver.send(outcome('server'), POLICY.consecutiveFailures);
      expect(driver.health).toBe('ejected');
      return driver.ejectionMs();
    };
    const readmit = (driver: Driver) => {
      driver.probeAnswer('none').probeAnswer('none');
      expect(driver.health).toBe('recovering');
    };

    it('should grow 30 s × n for repeated ejections and cap at 300 s', () => {
      const driver = new Driver();
      const times: number[] = [];
      for (let i = 0; i < 12; i++) {
        times.push(cycle(driver));
        readmit(driver);
      }
      expect(times.slice(0, 4)).toEqual([30_000, 60_000, 90_000, 120_000]);
      expect(times.slice(9)).toEqual([300_000, 300_000, 300_000]);
    });

    it('should take up to the jitter share off, never add to it', () => {
      expect(cycle(new Driver(() => 0))).toBe(30_000);
      expect(cycle(new Driver(() => 0.5))).toBe(28_500);
      expect(cycle(new Driver(() => 0.999999))).toBe(27_000);
    });

    it('should decay n by one per quiet period back in rotation', () => {
      const driver = new Driver();
      cycle(driver);
      readmit(driver);
      expect(cycle(driver)).toBe(60_000);
      readmit(driver);
      driver.after(POLICY.rampMs).send(TICK);
      expect(driver.health).toBe('healthy');
      // 2 decay periods since re-admission: n goes 2 → 0, this ejection is the first again.
      driver.after(2 * POLICY.ejectionDecayMs);
      expect(cycle(driver)).toBe(30_000);
    });
  });

  describe('re-admission', () => {
    const ejected = () => {
      const driver = new Driver();
      driver.send(outcome('timeout'), 5);
      return driver;
    };

    it('should probe once the ejection time is over, not before', () => {
      const driver = ejected();
      expect(probeDue(driver.state, driver.now + 29_999)).toBe(false);
      expect(probeDue(driver.state, driver.now + 30_000)).toBe(true);
    });

    it('should re-admit after 2 consecutive successful probes, ramp at reduced weight, then be healthy', () => {
      const driver = ejected();
      driver.probeAnswer('none');
      expect(driver.health).toBe('ejected');
      expect(driver.state.nextProbeAt).toBe(driver.now + POLICY.probeIntervalMs);
      driver.probeAnswer('none');
      expect(driver.state.health).toMatchObject({
        state: 'recovering',
        reason: null,
        disabled_at: null,
        consecutive_failures: 0,
      });
      expect(weightFactor(driver.state, POLICY)).toBe(0.25);
      expect(driver.state.nextProbeAt).toBeNull();
      driver.after(POLICY.rampMs - 1).send(TICK);
      expect(driver.health).toBe('recovering');
      driver.after(1).send(TICK);
      expect(driver.health).toBe('healthy');
      expect(weightFactor(driver.state, POLICY)).toBe(1);
      expect(driver.transitions.map((t) => t.to)).toEqual([
        'degraded',
        'ejected',
        'recovering',
        'healthy',
      ]);
    });

    it('should need the successes consecutive: a failure in between starts over', () => {
      const driver = ejected();
      driver.probeAnswer('none').probeAnswer('server').probeAnswer('none');
      expect(driver.health).toBe('ejected');
      driver.probeAnswer('none');
      expect(driver.health).toBe('recovering');
    });

    it('should back off between failed probes, doubling up to the max', () => {
      const driver = ejected();
      const intervals: number[] = [];
      for (let i = 0; i < 6; i++) {
        const at = driver.state.nextProbeAt ?? 0;
        driver.probeAnswer('connect');
        intervals.push(driver.state.nextProbeAt! - at);
      }
      expect(intervals).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
      expect(probeBackoff(driver.state, 1, POLICY)).toBe(5_000);
    });

    it('should count a 4xx about the probe itself as reachable, and a 429 as neither', () => {
      const driver = ejected();
      driver.probeAnswer('rate_limited');
      expect(driver.state.probeSuccesses).toBe(0);
      driver.probeAnswer('client').probeAnswer('client');
      expect(driver.health).toBe('recovering');
    });

    it('should eject again with n+1 on a failure during the ramp', () => {
      const driver = ejected();
      driver.probeAnswer('none').probeAnswer('none');
      driver.after(1_000).send(outcome('server'));
      expect(driver.health).toBe('ejected');
      expect(driver.transitions.at(-1)).toMatchObject({
        from: 'recovering',
        to: 'ejected',
        cause: 'relapse',
      });
      expect(driver.state.ejections).toBe(2);
      expect(driver.ejectionMs()).toBe(60_000);
    });

    it('should disable an ejected channel whose probe shows a revoked key', () => {
      const driver = ejected();
      driver.probeAnswer('auth');
      expect(driver.health).toBe('disabled');
      expect(driver.state.nextProbeAt).toBe(driver.now + POLICY.disabledProbeIntervalMs);
    });

    it('should probe a disabled channel with its own back-off and re-admit it when the key works again', () => {
      const driver = new Driver();
      driver.send(outcome('quota'));
      expect(driver.state.nextProbeAt).toBe(T0 + 60_000);
      driver.probeAnswer('quota');
      expect(driver.health).toBe('disabled');
      expect(driver.state.nextProbeAt).toBe(driver.now + 60_000);
      driver.probeAnswer('quota');
      expect(driver.state.nextProbeAt).toBe(driver.now + 120_000);
      driver.probeAnswer('none').probeAnswer('none');
      expect(driver.health).toBe('recovering');
    });

    it('should ignore transient traffic to an out-of-rotation channel (panic routing) for its state', () => {
      const driver = ejected();
      const until = driver.state.ejectedUntil;
      driver.send(outcome('server'), 3).send(outcome('none'));
      expect(driver.health).toBe('ejected');
      expect(driver.state.ejectedUntil).toBe(until);
    });

    it('should probe a disabled channel at once when the operator edits it, and leave others alone', () => {
      const driver = new Driver();
      driver.send(outcome('auth'));
      expect(probeDue(driver.state, driver.now + 1)).toBe(false);
      expect(probeDue(probeSoon(driver.state, driver.now + 1), driver.now + 1)).toBe(true);
      const healthy = new Driver().send(outcome('none'));
      expect(probeSoon(healthy.state, healthy.now)).toBe(healthy.state);
    });

    it('should treat a probe of a channel in rotation (the admin test) like a request', () => {
      const driver = new Driver();
      driver.send(probe('none', { latencyMs: 42 }));
      expect(driver.state.health).toMatchObject({ state: 'healthy', latency_ms: 42 });
      driver.send(probe('auth'));
      expect(driver.health).toBe('disabled');
    });
  });
});
