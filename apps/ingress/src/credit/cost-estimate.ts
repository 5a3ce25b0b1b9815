// What one request of a key is expected to cost, learned from what its requests actually cost (issue 18, D1).
// Reserving max_tokens (or a 1,024-token default) of output per request made a small key's in-flight estimates
// exceed its whole credit, so a burst was refused with 402 while 95% of the credit was left. Instead the
// estimate is an exponentially weighted moving average of the settled cost per request of the (key, model),
// else of the model across keys (what a typical request of it costs), else a small default: the prompt from
// the body size plus the client's max_tokens capped at a small default of output. Pure but for the bounded
// maps it keeps.
import { Price, priceUsage } from '@relaymesh/pricing';

/** Prompt tokens are guessed at a quarter of the body's characters (JSON syntax makes it an over-estimate). */
export const CHARS_PER_TOKEN = 4;
/** Weight of the newest cost in the average: a handful of requests moves it, one outlier does not. */
export const EWMA_WEIGHT = 0.3;
/** Pairs remembered; the least recently learned is forgotten first (bounded by construction). */
export const MAX_LEARNED = 10_000;

export function ewma(previous: number | null, sample: number, weight = EWMA_WEIGHT): number {
  return previous === null ? sample : previous + weight * (sample - previous);
}

export interface FirstGuessInput {
  /** Characters of the request body as JSON. */
  bodyChars: number;
  /** The client's output cap; null when it set none. */
  maxTokens: number | null;
  /** Output tokens assumed at most before any cost of the model was seen. */
  defaultOutputTokens: number;
  /** Embeddings produce no output tokens. */
  producesOutput: boolean;
}

/** Before any request of the model has settled: prompt from the body, output min(max_tokens, default). */
export function firstGuess(input: FirstGuessInput, price: Price): number {
  const output = input.producesOutput
    ? Math.min(input.maxTokens ?? input.defaultOutputTokens, input.defaultOutputTokens)
    : 0;
  return priceUsage(
    { input: Math.ceil(input.bodyChars / CHARS_PER_TOKEN), output, cacheRead: 0, cacheWrite: 0 },
    price,
  );
}

/** The most a request may cost when its client capped the output (for the 402's message). */
export function costCap(bodyChars: number, maxTokens: number, price: Price): number {
  return priceUsage(
    {
      input: Math.ceil(bodyChars / CHARS_PER_TOKEN),
      output: maxTokens,
      cacheRead: 0,
      cacheWrite: 0,
    },
    price,
  );
}

/** Learned costs per (key, model) and per model. */
export class CostHistory {
  private readonly byKeyModel = new Map<string, number>();
  private readonly byModel = new Map<string, number>();

  constructor(private readonly maxEntries = MAX_LEARNED) {}

  /** The (key, model)'s average, else the model's, else `fallback` (not learned: a guess). */
  expected(
    keyId: string,
    model: string,
    fallback: () => number,
  ): { usd: number; learned: boolean } {
    const learned = this.byKeyModel.get(pairOf(keyId, model)) ?? this.byModel.get(model);
    return learned === undefined
      ? { usd: fallback(), learned: false }
      : { usd: learned, learned: true };
  }

  /** A request of the pair settled at `costUsd` (0-cost failures are not learned: they would teach 0). */
  learn(keyId: string, model: string, costUsd: number): void {
    if (!(costUsd > 0)) return;
    remember(this.byKeyModel, pairOf(keyId, model), costUsd, this.maxEntries);
    remember(this.byModel, model, costUsd, this.maxEntries);
  }
}

function pairOf(keyId: string, model: string): string {
  return `${keyId}\u0000${model}`;
}

function remember(map: Map<string, number>, id: string, sample: number, max: number): void {
  const next = ewma(map.get(id) ?? null, sample);
  map.delete(id); // re-inserted last: the map's order is least recently learned first
  map.set(id, next);
  if (map.size > max) map.delete(map.keys().next().value!);
}
