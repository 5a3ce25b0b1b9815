import { Module } from '@nestjs/common';
import { ResponsePins } from './response-pins';

/** Which channel stored which Responses answer, so a request continuing one reaches it (response-pins.ts). */
@Module({
  providers: [{ provide: ResponsePins, useFactory: () => new ResponsePins() }],
  exports: [ResponsePins],
})
export class ResponsesStateModule {}
