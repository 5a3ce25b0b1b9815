// Client keys: issued here (shown once, stored as a SHA-256), looked up by ingress on a cache miss, and
// announced on key.changed after every change so that every ingress replica's cache follows within a moment.
import { Injectable } from '@nestjs/common';
import {
  AdminError,
  KeyChanged,
  KeyCreate,
  KeyPatch,
  KeyRecord,
  KeyView,
} from '@relaymesh/contracts';
import { hashClientKey, redactSecret } from '@relaymesh/secrets';
import { MessageBus } from '@relaymesh/messaging';
import { randomBytes } from 'node:crypto';
import { ClientKey } from './client-key.entity';
import { ClientKeyFields, ClientKeyRepository, DuplicateKeyName } from './client-key.repository';
import { toKeyRecord, toKeyView } from './client-key-view';

/** `sk-rm-` + 32 random bytes (base64url): recognisable in a leak scanner, unguessable. */
export function generateClientKey(): string {
  return `sk-rm-${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class KeysService {
  constructor(
    private readonly keys: ClientKeyRepository,
    private readonly bus: MessageBus,
  ) {}

  async create(input: KeyCreate): Promise<KeyView & { key: string }> {
    const secret = input.key ?? generateClientKey();
    const created = await this.write(() => this.keys.insert(this.fieldsOf(input, secret)));
    return { ...toKeyView(created), key: secret };
  }

  async list(): Promise<{ data: KeyView[] }> {
    return { data: (await this.keys.findAll()).map(toKeyView) };
  }

  async get(id: string): Promise<KeyView> {
    return toKeyView(await this.found(this.keys.findById(id), id));
  }

  async update(id: string, patch: KeyPatch): Promise<KeyView> {
    const { credit_usd, allow_ips, expires_at, budget_usd, budget_period, ...rest } = patch;
    const fields: Partial<ClientKeyFields> = {
      ...rest,
      ...(budget_usd !== undefined && { budgetUsd: budget_usd }),
      ...(budget_period !== undefined && { budgetPeriod: budget_period }),
      ...(credit_usd !== undefined && { creditUsd: credit_usd }),
      ...(allow_ips !== undefined && { allowIps: allow_ips }),
      ...(expires_at !== undefined && {
        expiresAt: expires_at === null ? null : new Date(expires_at),
      }),
    };
    return toKeyView(
      await this.found(
        this.write(() => this.keys.update(id, fields)),
        id,
      ),
    );
  }

  async credit(id: string, amountUsd: number): Promise<KeyView> {
    return toKeyView(
      await this.found(
        this.write(() => this.keys.addCredit(id, amountUsd)),
        id,
      ),
    );
  }

  async delete(id: string): Promise<undefined> {
    const deleted = await this.found(this.keys.delete(id), id);
    this.bus.emit(KeyChanged, { id: deleted.id, key_hash: deleted.keyHash, key: null });
    return undefined;
  }

  async lookup(keyHash: string): Promise<KeyRecord | null> {
    const key = await this.keys.findByHash(keyHash);
    return key ? toKeyRecord(key) : null;
  }

  /** The config file's keys: created when new, updated (secret included) when a key of that name exists. */
  async applyConfig(inputs: KeyCreate[]): Promise<{ created: number; updated: number }> {
    let created = 0;
    let updated = 0;
    for (const input of inputs) {
      const existing = await this.keys.findByName(input.name);
      if (existing) {
        const fields = this.fieldsOf(input, input.key ?? null);
        await this.write(() => this.keys.update(existing.id, fields));
        updated++;
      } else {
        await this.write(() =>
          this.keys.insert(this.fieldsOf(input, input.key ?? generateClientKey())),
        );
        created++;
      }
    }
    return { created, updated };
  }

  private async found(pending: Promise<ClientKey | null>, id: string): Promise<ClientKey> {
    const key = await pending;
    if (!key) throw new AdminError(404, `key ${id} not found`);
    return key;
  }

  /** Runs a write and announces the key's new state; a duplicate name becomes 409. */
  private async write<K extends ClientKey | null>(run: () => Promise<K>): Promise<K> {
    try {
      const key = await run();
      if (key) {
        this.bus.emit(KeyChanged, { id: key.id, key_hash: key.keyHash, key: toKeyRecord(key) });
      }
      return key;
    } catch (err) {
      if (err instanceof DuplicateKeyName) throw new AdminError(409, err.message);
      throw err;
    }
  }

  private fieldsOf(input: KeyCreate, secret: string): ClientKeyFields;
  private fieldsOf(input: KeyCreate, secret: string | null): Partial<ClientKeyFields>;
  private fieldsOf(input: KeyCreate, secret: string | null): Partial<ClientKeyFields> {
    // No credit given means no budget, as with LiteLLM's keys without max_budget.
    const unlimited = input.unlimited ?? input.credit_usd === undefined;
    return {
      name: input.name,
      ...(secret !== null && { keyHash: hashClientKey(secret), keyHint: redactSecret(secret) }),
      group: input.group,
      unlimited,
      creditUsd: input.credit_usd ?? 0,
      models: input.models,
      allowIps: input.allow_ips,
      rpm: input.rpm,
      tpm: input.tpm,
      expiresAt: input.expires_at === null ? null : new Date(input.expires_at),
      enabled: input.enabled,
      budgetUsd: input.budget_usd,
      budgetPeriod: input.budget_period,
    };
  }
}
