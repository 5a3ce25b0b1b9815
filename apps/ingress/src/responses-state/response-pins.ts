// Which channel stored a Responses answer: OpenAI keeps a response (and its output items) when `store` is not
// false, and a later request may name it (`previous_response_id`, `item_reference`). Only the OpenAI
// organisation behind the channel that stored it can resolve that name, so such a request is pinned to that
// channel. The gateway keeps no conversation itself, only this map from the ids a channel returned to the
// channel, in this replica's memory: bounded in count (the oldest forgotten first) and in time (OpenAI keeps
// stored responses 30 days). A replica that does not know an id (another replica served the first turn, or it
// restarted) lets the request go to any channel speaking the Responses API, whose upstream answers whether it
// knows the id. Pure: time is passed in.

export interface ResponsePinLimits {
  /** Ids remembered at most (a response and each of its output items count one each). */
  maxIds: number;
  /** How long an id is remembered after the answer that returned it. */
  retentionMs: number;
}

/**
 * OpenAI's retention of stored responses; about 19 MB per replica when full (measured: 100,000 OpenAI-length
 * ids, ~190 bytes each).
 */
export const RESPONSE_PIN_LIMITS: ResponsePinLimits = {
  maxIds: 100_000,
  retentionMs: 30 * 24 * 60 * 60 * 1000,
};

export class ResponsePins {
  /** Insertion order is age order: the first entry is the oldest. */
  private readonly pins = new Map<string, { channelId: string; until: number }>();

  constructor(private readonly limits: ResponsePinLimits = RESPONSE_PIN_LIMITS) {}

  get size(): number {
    return this.pins.size;
  }

  /** Remembers that `channelId` stored these ids (an answer's response and output items). */
  remember(ids: readonly string[], channelId: string, nowMs: number): void {
    const until = nowMs + this.limits.retentionMs;
    for (const id of ids) {
      this.pins.delete(id);
      this.pins.set(id, { channelId, until });
    }
    while (this.pins.size > this.limits.maxIds) {
      const oldest = this.pins.keys().next().value as string;
      this.pins.delete(oldest);
    }
  }

  /**
   * The channel that stored what a request names, or null when this replica knows none of the ids. The
   * first known id decides (one conversation's ids all come from one channel).
   */
  channelFor(refs: readonly string[], nowMs: number): string | null {
    for (const id of refs) {
      const pin = this.pins.get(id);
      if (pin === undefined) continue;
      if (pin.until <= nowMs) {
        this.pins.delete(id);
        continue;
      }
      return pin.channelId;
    }
    return null;
  }
}
