// The health-prober's migrations in order.
import { CreateChannelHealth1763900200000 } from './1763900200000-CreateChannelHealth';
import { AddHealthMachineAndTransitions1763900300000 } from './1763900300000-AddHealthMachineAndTransitions';
import { AddTransitionDetails1763900400000 } from './1763900400000-AddTransitionDetails';

export const healthProberMigrations = [
  CreateChannelHealth1763900200000,
  AddHealthMachineAndTransitions1763900300000,
  AddTransitionDetails1763900400000,
];
