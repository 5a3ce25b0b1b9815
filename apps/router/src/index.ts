// What the router offers outside its own folder (the embedded launcher, the migration script, tests): how it
// starts, how it reads its environment, its migrations. Everything else in src/ is private to the app.
export { startRouter } from './router.app';
export { RouterEnv, loadRouterEnv } from './config/router.env';
export { routerMigrations } from './database/migrations';
