import { Module } from '@nestjs/common';
import { CreditModule } from '../credit/credit.module';
import { UsagePublisher } from './usage-publisher.service';

@Module({ imports: [CreditModule], providers: [UsagePublisher] })
export class UsageModule {}
