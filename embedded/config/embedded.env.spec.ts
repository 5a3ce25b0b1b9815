import { loadIngressEnv } from '../../apps/ingress/src';
import { loadEmbeddedEnv } from './embedded.env';

describe('embedded environment', () => {
  it('should refuse an admin token shorter than standalone ingress accepts, naming it', () => {
    expect(() => loadEmbeddedEnv({ RELAYMESH_ADMIN_TOKEN: 'x' })).toThrow(
      /RELAYMESH_ADMIN_TOKEN[\s\S]*at least 16 characters|at least 16 characters[\s\S]*RELAYMESH_ADMIN_TOKEN/,
    );
    expect(() =>
      loadIngressEnv({ RELAYMESH_SECRET_KEY: 'k'.repeat(32), RELAYMESH_ADMIN_TOKEN: 'x' }),
    ).toThrow(/at least 16 characters/);
  });

  it('should take a 16-character token, or none (one is made at first start)', () => {
    expect(loadEmbeddedEnv({ RELAYMESH_ADMIN_TOKEN: 'a'.repeat(16) }).RELAYMESH_ADMIN_TOKEN).toBe(
      'a'.repeat(16),
    );
    expect(loadEmbeddedEnv({}).RELAYMESH_ADMIN_TOKEN).toBeUndefined();
  });
});

describe('embedded log level', () => {
  it('should default to warnings and errors, and take LOG_LEVEL when set', () => {
    expect(loadEmbeddedEnv({}).LOG_LEVEL).toBe('warn');
    expect(loadEmbeddedEnv({ LOG_LEVEL: 'log' }).LOG_LEVEL).toBe('log');
    expect(() => loadEmbeddedEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('refuses ingress workers: the in-process bus cannot reach other processes', () => {
    expect(() => loadEmbeddedEnv({ RELAYMESH_INGRESS_WORKERS: '2' })).toThrow(
      /four-process deployment[\s\S]*RELAYMESH_INGRESS_WORKERS/,
    );
    expect(loadEmbeddedEnv({ RELAYMESH_INGRESS_WORKERS: '1' }).RELAYMESH_INGRESS_WORKERS).toBe(1);
  });
});
