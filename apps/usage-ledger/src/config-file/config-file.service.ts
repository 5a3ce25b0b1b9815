// Applies the keys and model prices of the declarative config file (RELAYMESH_CONFIG) at start, as an idempotent
// upsert by name.
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { parseDeclarativeConfig } from '@relaymesh/app';
import { readFile } from 'node:fs/promises';
import { UsageLedgerEnv } from '../config/usage-ledger.env';
import { KeysService } from '../keys/keys.service';
import { PricingService } from '../pricing/pricing.service';

@Injectable()
export class ConfigFileService implements OnModuleInit {
  private readonly logger = new Logger(ConfigFileService.name);

  constructor(
    private readonly env: UsageLedgerEnv,
    private readonly keys: KeysService,
    private readonly pricing: PricingService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.env.configFile) return;
    const config = parseDeclarativeConfig(
      await readFile(this.env.configFile, 'utf8'),
      this.env.variables,
    );
    const result = await this.keys.applyConfig(config.keys);
    const priced = await this.pricing.applyConfig(config.models);
    this.logger.log(
      `config file ${this.env.configFile}: ${result.created} keys created, ${result.updated} updated, ${priced} model prices set`,
    );
  }
}
