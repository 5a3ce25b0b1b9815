// `channel.health.get`: the prober's health table on request (an ingress replica at start; the admin API's
// channel reads, which show the prober's health over the router's configuration).
import { Controller } from '@nestjs/common';
import { ChannelHealthGet, ChannelHealthTable } from '@relaymesh/contracts';
import { OnRequest } from '@relaymesh/messaging';
import { HealthService } from './health.service';

@Controller()
export class ChannelHealthHandler {
  constructor(private readonly health: HealthService) {}

  @OnRequest(ChannelHealthGet)
  table(): Promise<ChannelHealthTable> {
    return this.health.table();
  }
}
