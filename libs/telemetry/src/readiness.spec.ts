import { ReadinessRegistry } from './readiness';

describe('ReadinessRegistry', () => {
  it('should be ready only when every check passes, a throwing check counting as failed', async () => {
    const registry = new ReadinessRegistry();
    registry.register('a', () => true);
    registry.register('b', () => Promise.reject(new Error('down')));
    expect(await registry.evaluate()).toEqual({ ready: false, checks: { a: true, b: false } });
  });

  it('should report the checks that stand for dependencies, with their app', async () => {
    const registry = new ReadinessRegistry();
    let natsUp = true;
    registry.register('router:bus', () => natsUp, { app: 'router', dependency: 'nats' });
    registry.register('router:database', () => false, { app: 'router', dependency: 'postgres' });
    registry.register('ingress:accepting', () => true);
    expect(await registry.dependencies()).toEqual([
      { app: 'router', dependency: 'nats', up: true },
      { app: 'router', dependency: 'postgres', up: false },
    ]);
    natsUp = false;
    expect((await registry.dependencies())[0].up).toBe(false);
  });

  it('should forget a dependency when its check is unregistered or registered again without one', async () => {
    const registry = new ReadinessRegistry();
    registry.register('x:bus', () => true, { app: 'x', dependency: 'nats' });
    registry.register('y:bus', () => true, { app: 'y', dependency: 'nats' });
    registry.unregister('x:bus');
    registry.register('y:bus', () => true);
    expect(await registry.dependencies()).toEqual([]);
  });

  it('should answer the serving scope from the serving checks alone, and fall back to all without any', async () => {
    const registry = new ReadinessRegistry();
    registry.register('ingress:bus', () => false, { app: 'ingress', dependency: 'nats' });
    expect((await registry.evaluate('serving')).ready).toBe(false);
    let snapshot = true;
    registry.registerServing('ingress:routing-snapshot', () => snapshot);
    expect(await registry.evaluate('serving')).toEqual({
      ready: true,
      checks: { 'ingress:routing-snapshot': true },
    });
    expect((await registry.evaluate()).ready).toBe(false);
    snapshot = false;
    expect((await registry.evaluate('serving')).ready).toBe(false);
    registry.unregister('ingress:routing-snapshot');
    expect(await registry.evaluate('serving')).toEqual({
      ready: false,
      checks: { 'ingress:bus': false },
    });
  });
});
