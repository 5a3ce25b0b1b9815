export * from './metrics';
export * from './ops.module';
export * from './readiness';
export * from './labelled';
