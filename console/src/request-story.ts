// What the request explorer says of a request at a glance, from its record alone: how many times it failed
// over, whether a fallback model served it, and whether its attempts' detail was kept. Pure, unit-tested.
import type { UsageRecord } from './types';

export interface RequestStory {
  /** Attempts made (from the count; the log may be missing on older records). */
  attempts: number;
  /** Channels given up on for another: attempts - 1 when it took more than one. */
  failovers: number;
  /** The model of the first attempt, when a later attempt was for another (a fallback); else null. */
  fallbackFrom: string | null;
  /** The model that answered last (the served one, or the last tried). */
  finalModel: string | null;
  /** The record has a count of attempts but not their detail (stored before attempts were logged). */
  detailMissing: boolean;
}

export function requestStory(record: UsageRecord): RequestStory {
  const log = record.attempt_log ?? [];
  const attempts = record.attempts ?? log.length;
  const first = log[0]?.model ?? null;
  const last = log.at(-1)?.model ?? record.model ?? null;
  return {
    attempts,
    failovers: Math.max(0, attempts - 1),
    fallbackFrom: first !== null && last !== null && first !== last ? first : null,
    finalModel: last,
    detailMissing: attempts > 0 && log.length === 0,
  };
}
