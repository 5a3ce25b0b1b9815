import { loadIngressEnv } from './ingress.env';

const base = { RELAYMESH_SECRET_KEY: 'k'.repeat(32), RELAYMESH_ADMIN_TOKEN: 'a'.repeat(16) };

describe('ingress environment: body logging', () => {
  it('should be off by default, with a 64 KiB cap', () => {
    expect(loadIngressEnv(base).bodyLog).toEqual({ enabled: false, maxBytes: 65_536 });
  });

  it('should take on and a cap', () => {
    expect(
      loadIngressEnv({ ...base, RELAYMESH_BODY_LOG: 'on', RELAYMESH_BODY_LOG_MAX_BYTES: '1024' })
        .bodyLog,
    ).toEqual({ enabled: true, maxBytes: 1024 });
  });

  it.each([
    ['RELAYMESH_BODY_LOG', 'yes'],
    ['RELAYMESH_BODY_LOG_MAX_BYTES', '0'],
    ['RELAYMESH_BODY_LOG_MAX_BYTES', String(128 * 1024 + 1)],
  ])('should refuse %s=%s, naming it', (name, value) => {
    expect(() => loadIngressEnv({ ...base, [name]: value })).toThrow(new RegExp(name));
  });
});
