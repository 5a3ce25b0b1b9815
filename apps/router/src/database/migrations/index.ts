// The router's migrations in order; the DataSource and the migration CLI both read this list.
import { CreateChannels1763900000000 } from './1763900000000-CreateChannels';
import { AddChannelWeightFactor1763900400000 } from './1763900400000-AddChannelWeightFactor';
import { AddChannelSecretHeaders1763900800000 } from './1763900800000-AddChannelSecretHeaders';
import { DropChannelHealth1763901000000 } from './1763901000000-DropChannelHealth';
import { AddChannelVariants1763901200000 } from './1763901200000-AddChannelVariants';
import { AddChannelResponsesOptions1763901300000 } from './1763901300000-AddChannelResponsesOptions';

export const routerMigrations = [
  CreateChannels1763900000000,
  AddChannelWeightFactor1763900400000,
  AddChannelSecretHeaders1763900800000,
  DropChannelHealth1763901000000,
  AddChannelVariants1763901200000,
  AddChannelResponsesOptions1763901300000,
];
