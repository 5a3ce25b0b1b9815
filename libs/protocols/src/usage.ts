// Token usage as every adapter reports it, so the ledger prices one shape whatever the upstream format was.
//
// Convention (OpenAI's): `inputTokens` counts every prompt token the model read, cached ones included;
// `cacheReadTokens` and `cacheWriteTokens` are the parts of `inputTokens` that were read from or written to the
// provider's prompt cache. Pricing therefore charges (input - cacheRead - cacheWrite) at the input rate plus
// each cache part at its multiplier. Adapters of formats that count cache tokens apart from input (Anthropic's
// `input_tokens` excludes them) add them in. `outputTokens` includes reasoning tokens, which are billed as
// output.
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of `outputTokens` spent on reasoning, where the upstream reports it. */
  reasoningTokens?: number;
}
