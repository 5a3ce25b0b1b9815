import { Controller } from '@nestjs/common';
import { EventPayload, KeyChanged } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { KeyCache } from './key-cache.service';

/** Every replica hears every key change (a broadcast), so a disabled key stops working everywhere at once. */
@Controller()
export class KeyChangedHandler {
  constructor(private readonly cache: KeyCache) {}

  @OnEvent(KeyChanged)
  onKeyChanged(@ContractPayload(KeyChanged) event: EventPayload<typeof KeyChanged>): void {
    this.cache.apply(event.key_hash, event.key);
  }
}
