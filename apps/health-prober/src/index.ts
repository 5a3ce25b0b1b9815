// What the health-prober offers outside its own folder (the embedded launcher, the migration script, tests):
// how it starts, how it reads its environment, its migrations. Everything else in src/ is private to the app.
export { startHealthProber } from './health-prober.app';
export { HealthProberEnv, loadHealthProberEnv } from './config/health-prober.env';
export { healthProberMigrations } from './database/migrations';
