export * from './database';
export * from './embedded-postgres';
export * from './snake-naming.strategy';
export * from './database.module';
export * from './errors';
