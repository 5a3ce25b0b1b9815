import { ChannelHealth, HealthState, UNKNOWN_HEALTH } from '@relaymesh/contracts';
import { changesRouting, healthRouting } from './health-routing';

const health = (state: HealthState, latency_ms: number | null = 100): ChannelHealth => ({
  ...UNKNOWN_HEALTH,
  state,
  latency_ms,
});

describe('health in routing', () => {
  it.each<[HealthState, number, boolean, number]>([
    ['healthy', 1, false, 1],
    ['degraded', 1, false, 1],
    ['unknown', 1, false, 1],
    ['recovering', 0.25, false, 0.25],
    ['ejected', 1, true, 1],
    ['disabled', 1, true, 1],
  ])('%s (factor %d) → auto_disabled %s, weight factor %d', (state, factor, out, weight) => {
    expect(healthRouting(health(state), factor)).toEqual({
      autoDisabled: out,
      weightFactor: weight,
    });
  });

  const before = (state: HealthState, latency: number | null = 100, weightFactor = 1) => ({
    autoDisabled: state === 'ejected' || state === 'disabled',
    weightFactor,
    health: health(state, latency),
  });
  const after = (state: HealthState, latency: number | null = 100, factor = 1) => ({
    ...healthRouting(health(state, latency), factor),
    health: health(state, latency),
  });

  it.each<[string, ReturnType<typeof before>, ReturnType<typeof after>, boolean]>([
    ['ejection', before('healthy'), after('ejected'), true],
    ['disabled → ejected (panic-routable now)', before('disabled'), after('ejected'), true],
    ['re-admission at reduced weight', before('ejected'), after('recovering', 100, 0.25), true],
    ['end of the ramp', before('recovering', 100, 0.25), after('healthy'), true],
    ['healthy → degraded', before('healthy'), after('degraded'), false],
    ['a small latency move', before('healthy', 100), after('healthy', 110), false],
    ['a large latency move', before('healthy', 100), after('healthy', 200), true],
    ['a first latency', before('unknown', null), after('healthy', 80), true],
  ])('%s → rebuild %s', (_, was, now, rebuild) => {
    expect(changesRouting(was, now)).toBe(rebuild);
  });
});
