import { Module } from '@nestjs/common';
import { PricingHandler } from './pricing.handler';
import { PricingRepository, TypeOrmPricingRepository } from './pricing.repository';
import { PricingService } from './pricing.service';

@Module({
  controllers: [PricingHandler],
  providers: [PricingService, { provide: PricingRepository, useClass: TypeOrmPricingRepository }],
  exports: [PricingService],
})
export class PricingModule {}
