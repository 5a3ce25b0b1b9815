// Channel administration: create, read, change and delete channels, keys and secret headers sealed before they
// are stored.
// Every write is announced on `changed$`, which the snapshot service turns into a new routing snapshot.
import { Injectable } from '@nestjs/common';
import {
  AdminError,
  ChannelCreate,
  ChannelPatch,
  ChannelView,
  headersInBoth,
  responsesApiFault,
} from '@relaymesh/contracts';
import { SecretBox, redactSecret } from '@relaymesh/secrets';
import { Subject } from 'rxjs';
import { ChannelFields, ChannelRepository, DuplicateChannelName } from './channel.repository';
import { toChannelView } from './channel-view';
import { SealedHeader } from './channel.entity';

@Injectable()
export class ChannelsService {
  readonly changed$ = new Subject<void>();

  constructor(
    private readonly channels: ChannelRepository,
    private readonly secrets: SecretBox,
  ) {}

  async create(input: ChannelCreate): Promise<ChannelView> {
    const created = await this.write(() => this.channels.insert(this.fieldsOf(input)));
    return toChannelView(created);
  }

  async list(): Promise<{ data: ChannelView[] }> {
    return { data: (await this.channels.findAll()).map(toChannelView) };
  }

  async get(id: string): Promise<ChannelView> {
    const channel = await this.channels.findById(id);
    if (!channel) throw new AdminError(404, `channel ${id} not found`);
    return toChannelView(channel);
  }

  async update(id: string, patch: ChannelPatch): Promise<ChannelView> {
    const existing = await this.channels.findById(id);
    if (!existing) throw new AdminError(404, `channel ${id} not found`);
    const type = patch.type ?? existing.type;
    const keys = patch.keys;
    if (type !== 'mock' && keys !== undefined && keys.length === 0) {
      throw new AdminError(400, 'keys: at least one upstream key is required');
    }
    const twice = headersInBoth(
      patch.headers ?? existing.headers,
      patch.secret_headers ?? existing.secretHeaders,
    );
    if (twice) {
      throw new AdminError(
        400,
        `secret_headers.${twice}: is also in headers: a header is either plain or secret`,
      );
    }
    const responsesFault = responsesApiFault(type, patch.responses_api ?? existing.responsesApi);
    if (responsesFault) throw new AdminError(400, responsesFault);
    const {
      keys: _keys,
      base_url,
      model_mapping,
      variant_suffixes,
      body_override,
      timeout_ms,
      secret_headers,
      responses_api,
      hosted_tools,
      ...rest
    } = patch;
    const fields: Partial<ChannelFields> = {
      ...rest,
      ...(responses_api !== undefined && { responsesApi: responses_api }),
      ...(hosted_tools !== undefined && { hostedTools: hosted_tools }),
      ...(base_url !== undefined && { baseUrl: base_url }),
      ...(model_mapping !== undefined && { modelMapping: model_mapping }),
      ...(variant_suffixes !== undefined && { variantSuffixes: variant_suffixes }),
      ...(body_override !== undefined && { bodyOverride: body_override }),
      ...(timeout_ms !== undefined && { timeoutMs: timeout_ms }),
      ...(keys !== undefined && this.sealKeys(keys)),
      ...(secret_headers !== undefined && { secretHeaders: this.sealHeaders(secret_headers) }),
    };
    const updated = await this.write(() => this.channels.update(id, fields));
    if (!updated) throw new AdminError(404, `channel ${id} not found`);
    return toChannelView(updated);
  }

  async delete(id: string): Promise<undefined> {
    const deleted = await this.channels.delete(id);
    if (!deleted) throw new AdminError(404, `channel ${id} not found`);
    this.changed$.next();
    return undefined;
  }

  /** The config file's channels: created when new, overwritten when a channel of that name exists. */
  async applyConfig(inputs: ChannelCreate[]): Promise<{ created: number; updated: number }> {
    let created = 0;
    let updated = 0;
    for (const input of inputs) {
      const existing = await this.channels.findByName(input.name);
      if (existing) {
        // Sealing is randomised (a fresh IV each time): keys the file did not change keep their
        // ciphertexts, so applying the same file again writes nothing and updated_at keeps the last edit.
        const fields = this.fieldsOf(input);
        if (this.opensTo(existing.keysEncrypted, input.keys)) {
          fields.keysEncrypted = existing.keysEncrypted;
          fields.keyHints = existing.keyHints;
        }
        if (this.headersOpenTo(existing.secretHeaders, input.secret_headers)) {
          fields.secretHeaders = existing.secretHeaders;
        }
        await this.channels.update(existing.id, fields);
        updated++;
      } else {
        await this.channels.insert(this.fieldsOf(input));
        created++;
      }
    }
    if (inputs.length > 0) this.changed$.next();
    return { created, updated };
  }

  private async write<T>(run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.changed$.next();
      return result;
    } catch (err) {
      if (err instanceof DuplicateChannelName) throw new AdminError(409, err.message);
      throw err;
    }
  }

  private fieldsOf(input: ChannelCreate): ChannelFields {
    return {
      name: input.name,
      type: input.type,
      baseUrl: input.base_url ?? null,
      ...this.sealKeys(input.keys),
      models: input.models,
      modelMapping: input.model_mapping,
      variantSuffixes: input.variant_suffixes,
      bodyOverride: input.body_override,
      groups: input.groups,
      priority: input.priority,
      weight: input.weight,
      enabled: input.enabled,
      timeoutMs: input.timeout_ms,
      headers: input.headers,
      secretHeaders: this.sealHeaders(input.secret_headers),
      responsesApi: input.responses_api,
      hostedTools: input.hosted_tools,
    };
  }

  /** Whether `sealed` holds exactly `keys`; false too when they no longer open (the secret key changed). */
  private opensTo(sealed: string[], keys: string[]): boolean {
    try {
      return (
        sealed.length === keys.length && sealed.every((s, i) => this.secrets.decrypt(s) === keys[i])
      );
    } catch {
      return false;
    }
  }

  /** Whether `sealed` holds exactly `headers` (same names, values that open to the same text). */
  private headersOpenTo(
    sealed: Record<string, SealedHeader>,
    headers: Record<string, string>,
  ): boolean {
    const names = Object.keys(headers);
    return (
      names.length === Object.keys(sealed).length &&
      names.every((name) => {
        const entry = sealed[name];
        return entry !== undefined && this.opensTo([entry.sealed], [headers[name]]);
      })
    );
  }

  private sealHeaders(headers: Record<string, string>): Record<string, SealedHeader> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        { sealed: this.secrets.encrypt(value), hint: redactSecret(value) },
      ]),
    );
  }

  private sealKeys(keys: string[]): Pick<ChannelFields, 'keysEncrypted' | 'keyHints'> {
    return {
      keysEncrypted: keys.map((key) => this.secrets.encrypt(key)),
      keyHints: keys.map(redactSecret),
    };
  }
}
