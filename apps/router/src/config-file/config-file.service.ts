// Applies the channels of the declarative config file (RELAYMESH_CONFIG) at start: an idempotent upsert by
// name, so restarting with the same file changes nothing and editing the file and restarting applies the edit.
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { parseDeclarativeConfig } from '@relaymesh/app';
import { readFile } from 'node:fs/promises';
import { ChannelsService } from '../channels/channels.service';
import { RouterEnv } from '../config/router.env';

@Injectable()
export class ConfigFileService implements OnModuleInit {
  private readonly logger = new Logger(ConfigFileService.name);

  constructor(
    private readonly env: RouterEnv,
    private readonly channels: ChannelsService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.env.configFile) return;
    const config = parseDeclarativeConfig(
      await readFile(this.env.configFile, 'utf8'),
      this.env.variables,
    );
    const result = await this.channels.applyConfig(config.channels);
    this.logger.log(
      `config file ${this.env.configFile}: ${result.created} channels created, ${result.updated} updated`,
    );
  }
}
