// Client keys in ingress memory, by hash. A miss costs one request to the usage-ledger, then the answer is
// kept: known keys until key.changed says otherwise, unknown keys for a short TTL (so a flood of bad keys does
// not become a flood of ledger requests). Concurrent misses for one key share a single look-up.
import { Injectable } from '@nestjs/common';
import { KeyLookup, KeyRecord } from '@relaymesh/contracts';
import { hashClientKey } from '@relaymesh/secrets';
import { MessageBus } from '@relaymesh/messaging';
import { keyCacheLookups } from '@relaymesh/telemetry';

import { IngressEnv } from '../config/ingress.env';
import { PresentedKeyHashes } from './presented-key-hashes';

const cacheHits = keyCacheLookups.labels('hit');

/** Unknown keys remembered at most; the oldest are forgotten first. */
const MAX_UNKNOWN = 10_000;
/** Presented keys whose hash is remembered (a known key's and a recent unknown one's alike). */
const MAX_PRESENTED = 2 * MAX_UNKNOWN;

@Injectable()
export class KeyCache {
  private readonly known = new Map<string, KeyRecord>();
  private readonly unknown = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<KeyRecord | null>>();
  private readonly hashes = new PresentedKeyHashes(hashClientKey, MAX_PRESENTED);

  constructor(
    private readonly bus: MessageBus,
    private readonly env: IngressEnv,
  ) {}

  /** The record of a presented key, or null when the ledger does not know it. Throws if the ledger is unreachable. */
  async resolve(presented: string, now = Date.now()): Promise<KeyRecord | null> {
    const hash = this.hashes.hashOf(presented);
    const hit = this.known.get(hash);
    if (hit) {
      cacheHits.inc();
      return hit;
    }
    const unknownUntil = this.unknown.get(hash);
    if (unknownUntil !== undefined && unknownUntil > now) {
      cacheHits.inc();
      return null;
    }
    keyCacheLookups.inc({ result: 'miss' });
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.lookup(hash, now).finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    return pending;
  }

  /** key.changed: the ledger's word is the newest, whatever this replica cached. */
  apply(keyHash: string, record: KeyRecord | null): void {
    this.unknown.delete(keyHash);
    if (record) this.known.set(keyHash, record);
    else this.known.delete(keyHash);
  }

  private async lookup(hash: string, now: number): Promise<KeyRecord | null> {
    const { key } = await this.bus.request(KeyLookup, { key_hash: hash });
    if (key) {
      this.known.set(hash, key);
    } else {
      if (this.unknown.size >= MAX_UNKNOWN) {
        this.unknown.delete(this.unknown.keys().next().value!);
      }
      this.unknown.set(hash, now + this.env.unknownKeyTtlMs);
    }
    return key;
  }
}
