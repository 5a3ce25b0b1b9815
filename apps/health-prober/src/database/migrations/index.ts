// The health-prober's migrations in order.
import { CreateChannelHealth1763900200000 } from './1763900200000-CreateChannelHealth';

export const healthProberMigrations = [CreateChannelHealth1763900200000];
