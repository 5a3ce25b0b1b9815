import { StartFacts, startBanner } from './start-banner';

const firstStart: StartFacts = {
  port: 8080,
  newAdminToken: 'rm-admin-abc',
  dataDir: '/srv/relaymesh/data',
  bus: 'in-process',
  database: 'embedded',
  logLevel: 'warn',
};

describe('startBanner', () => {
  it('should show the URLs, the new admin token, the data directory and the mode, in a few lines', () => {
    const banner = startBanner(firstStart);
    expect(banner).toContain('API          http://localhost:8080\n');
    expect(banner).toContain('console      http://localhost:8080/console\n');
    expect(banner).toContain('admin token  rm-admin-abc   (shown once: keep it)\n');
    expect(banner).toContain('data         /srv/relaymesh/data\n');
    expect(banner).toContain('mode         in-process bus, embedded Postgres (PGlite)\n');
    expect(banner).toContain('logs         warnings and errors (LOG_LEVEL=log for the rest)\n');
    expect(banner.trim().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('should not show an admin token that was made at an earlier start', () => {
    const banner = startBanner({ ...firstStart, newAdminToken: null });
    expect(banner).not.toContain('admin token');
    expect(banner).not.toContain('Bearer');
  });

  it('should say NATS and Postgres when the process runs on them, without their URLs', () => {
    const banner = startBanner({ ...firstStart, bus: 'nats', database: 'postgres' });
    expect(banner).toMatch(/mode +NATS, Postgres\n/);
    expect(banner).not.toContain('://127.0.0.1');
  });

  it('should name the log level the operator chose', () => {
    expect(startBanner({ ...firstStart, logLevel: 'debug' })).toMatch(/logs +LOG_LEVEL=debug\n/);
  });
});
