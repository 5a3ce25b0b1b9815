// Pure channel selection (ARCHITECTURE: libs/routing): no Nest, no I/O; time and randomness come in as arguments.
export type { RoutableChannel } from './routable-channel';
export { RoutingTable, rotationOf } from './routing-table';
export type { Rotation, Route, RouteVariant, Tier, TierLookup } from './routing-table';
export { selectChannel } from './select-channel';
export type { Selection, SelectionRequest } from './select-channel';
export { NO_PREFERENCES, isProvider, routingStages } from './provider-preferences';
export type { ProviderPreferences } from './provider-preferences';
export { healthRouting, withHealth } from './channel-health';
export type { HealthRouting } from './channel-health';
