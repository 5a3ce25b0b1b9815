// What a stream that ended early is billed: the client left, or the upstream cut it, before the upstream's own
// count arrived (OpenAI and Gemini count at the end; Anthropic counts input at the start, output at the end).
// Billing nothing would make "leave before the end" a way to use a model for free, so what the upstream did not
// count is estimated: the prompt as libs/protocols estimates it (≈ 4 characters a token, or the body's size
// when the hub could not read it), the output from the characters of answer that reached the client (text,
// thinking and tool-call arguments), at the same ratio. A count the upstream did report is never lowered.
import { HubStreamEvent, TokenUsage } from '@relaymesh/protocols';

/** Characters per token where no tokenizer of the upstream is at hand (as the prompt estimate assumes). */
export const CHARS_PER_TOKEN = 4;

/** Counts the answer characters of the stream events that were sent on to the client. */
export class DeliveredOutput {
  private chars = 0;

  add(event: HubStreamEvent): void {
    switch (event.type) {
      case 'text_delta':
      case 'thinking_delta':
        this.chars += event.text.length;
        return;
      case 'tool_arguments_delta':
        this.chars += event.json.length;
        return;
      case 'block_start':
        // A tool call's name is output the model generated too.
        if (event.block.type === 'tool_call') this.chars += event.block.name.length;
        return;
      default:
        return;
    }
  }

  get tokens(): number {
    return Math.ceil(this.chars / CHARS_PER_TOKEN);
  }
}

/** The usage to record for a stream that ended early. */
export function usageOfCutStream(
  reported: TokenUsage | null,
  estimatedPromptTokens: number,
  deliveredOutputTokens: number,
): TokenUsage {
  return {
    inputTokens:
      reported && reported.inputTokens > 0 ? reported.inputTokens : estimatedPromptTokens,
    outputTokens: Math.max(reported?.outputTokens ?? 0, deliveredOutputTokens),
    cacheReadTokens: reported?.cacheReadTokens ?? 0,
    cacheWriteTokens: reported?.cacheWriteTokens ?? 0,
    ...(reported?.reasoningTokens === undefined
      ? {}
      : { reasoningTokens: reported.reasoningTokens }),
  };
}
