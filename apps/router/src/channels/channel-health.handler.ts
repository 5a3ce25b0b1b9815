// Keeps the health-prober's latest view of each channel, so that channel reads show it (CONTRACT §2) and
// routing follows it (ejected and disabled channels auto_disabled, recovering ones at reduced weight).
import { Controller } from '@nestjs/common';
import { ChannelHealthChanged, EventPayload } from '@relaymesh/contracts';
import { ContractPayload, OnEvent } from '@relaymesh/messaging';
import { ChannelsService } from './channels.service';

@Controller()
export class ChannelHealthHandler {
  constructor(private readonly channels: ChannelsService) {}

  @OnEvent(ChannelHealthChanged, { shared: true })
  async onHealthChanged(
    @ContractPayload(ChannelHealthChanged) event: EventPayload<typeof ChannelHealthChanged>,
  ): Promise<void> {
    await this.channels.recordHealth(event.channel_id, event.health, event.weight_factor);
  }
}
