// What ingress offers outside its own folder (the embedded launcher, scripts, bench, tests): how it starts and
// how it reads its environment. Everything else in src/ is private to the app (eslint.config.mjs enforces it).
export { startIngress } from './ingress.app';
export { AdminTokenSchema, IngressEnv, loadIngressEnv } from './config/ingress.env';
