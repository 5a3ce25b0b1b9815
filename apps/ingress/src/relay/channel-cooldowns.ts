// A channel whose upstream answered 429 rests for the upstream's `Retry-After` before it gets traffic again
// (routing avoids it while another channel is left; it is not a health failure, ARCHITECTURE rule 4). Kept per
// ingress replica, in memory: each replica learns it from its own 429 at the cost of one failed-over attempt,
// with no network round trip and no snapshot churn for a pause of seconds.
import { Injectable } from '@nestjs/common';
import { channelCooldowns } from '@relaymesh/telemetry';

/** Without a usable `Retry-After`: 5 s, doubling for each 429 in a row, up to 30 s. */
export const DEFAULT_COOLDOWN_MS = 5_000;
export const MAX_DEFAULT_COOLDOWN_MS = 30_000;
/** Whatever the upstream says, a channel is not benched for longer than this by one answer. */
export const MAX_COOLDOWN_MS = 300_000;

/**
 * How long to rest after a 429: the `Retry-After` (delta seconds, or an HTTP date; also `retry-after-ms`, sent by
 * OpenAI) when present and sane, otherwise the default backing off with the streak of 429s. Pure.
 */
export function cooldownMs(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  streak: number,
  now: number,
): number {
  const ms = retryAfterMs(headers, now);
  if (ms !== null) return Math.min(Math.max(ms, 1_000), MAX_COOLDOWN_MS);
  return Math.min(DEFAULT_COOLDOWN_MS * 2 ** Math.max(0, streak - 1), MAX_DEFAULT_COOLDOWN_MS);
}

function retryAfterMs(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  now: number,
): number | null {
  const precise = first(headers['retry-after-ms']);
  if (precise !== null && /^\d+(\.\d+)?$/.test(precise)) return Number(precise);
  const value = first(headers['retry-after']);
  if (value === null) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function first(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? null : text.trim();
}

@Injectable()
export class ChannelCooldowns {
  private readonly until = new Map<string, { until: number; streak: number }>();

  /** Records a 429 from `channel`; returns the cool-down in ms. */
  cool(
    channel: { id: string; name: string },
    headers: Readonly<Record<string, string | string[] | undefined>>,
    now = Date.now(),
  ): number {
    const previous = this.until.get(channel.id);
    // A 429 soon after the last cool-down ended continues the streak; a long quiet spell starts over.
    const streak =
      previous !== undefined && now - previous.until < MAX_DEFAULT_COOLDOWN_MS
        ? previous.streak + 1
        : 1;
    const ms = cooldownMs(headers, streak, now);
    this.until.set(channel.id, { until: now + ms, streak });
    channelCooldowns.inc({ channel: channel.name });
    return ms;
  }

  /** The channels cooling down now (to avoid while another is left). */
  cooling(now = Date.now()): ReadonlySet<string> {
    const ids = new Set<string>();
    for (const [id, entry] of this.until) {
      if (entry.until > now) ids.add(id);
      else if (now - entry.until > MAX_DEFAULT_COOLDOWN_MS) this.until.delete(id);
    }
    return ids;
  }

  /** Seconds until the first of `ids` is out of its cool-down (for the client's Retry-After). */
  secondsUntilFree(ids: Iterable<string>, now = Date.now()): number | null {
    let soonest: number | null = null;
    for (const id of ids) {
      const entry = this.until.get(id);
      if (entry !== undefined && entry.until > now) {
        soonest = soonest === null ? entry.until : Math.min(soonest, entry.until);
      }
    }
    return soonest === null ? null : Math.max(1, Math.ceil((soonest - now) / 1000));
  }
}
