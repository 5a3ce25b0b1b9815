import { Module } from '@nestjs/common';
import { CreditModule } from '../credit/credit.module';
import { KeysModule } from '../keys/keys.module';
import { LimitsModule } from '../limits/limits.module';
import { Admission } from './admission.service';
import { Authenticator } from './authenticator.service';

/** The one admission step (admission.service.ts): authenticate, authorize, limits, credit. */
@Module({
  imports: [CreditModule, KeysModule, LimitsModule],
  providers: [Admission, Authenticator],
  exports: [Admission, Authenticator],
})
export class AdmissionModule {}
