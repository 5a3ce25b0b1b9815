export * from './gen-ai';
export * from './metrics';
export * from './ops.module';
export * from './readiness';
