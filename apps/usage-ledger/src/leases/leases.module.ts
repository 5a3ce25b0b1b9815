import { Module } from '@nestjs/common';
import { CreditLeaseRepository, SqlCreditLeaseRepository } from './credit-lease.repository';
import { CreditLeasesHandler } from './credit-leases.handler';
import { CreditLeases } from './credit-leases.service';

/** Credit leases: slices of a key's balance granted to ingress replicas (issue 18). */
@Module({
  controllers: [CreditLeasesHandler],
  providers: [CreditLeases, { provide: CreditLeaseRepository, useClass: SqlCreditLeaseRepository }],
  exports: [CreditLeases],
})
export class LeasesModule {}
