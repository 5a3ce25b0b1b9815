// The router's migrations in order; the DataSource and the migration CLI both read this list.
import { CreateChannels1763900000000 } from './1763900000000-CreateChannels';

export const routerMigrations = [CreateChannels1763900000000];
