export * from './define';
export * from './channels/channel';
export * from './routing/routing-snapshot';
export * from './keys/key';
export * from './upstream/upstream-outcome';
export * from './health/channel-health-changed';
export * from './admin/admin';
