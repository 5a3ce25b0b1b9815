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

/**
 * The answer characters of a stream relayed untouched, counted only if they are wanted: the count matters only
 * when the stream ends before the upstream's own usage (usageOfCutStream), so the events are held as they
 * came and decoded to the hub when `tokens` is read. A stream that completes (nearly all) is never decoded a
 * second time beside the relay. Bounded: past `maxHeldChars` of held event data they are counted and dropped.
 */
export class DeferredDeliveredOutput {
  private readonly output = new DeliveredOutput();
  private held: { name: string | null; data: string }[] = [];
  private heldChars = 0;

  constructor(
    /** The upstream format's hub decoder (stateful: fed every relayed event, in order). */
    private readonly decode: (name: string | null, data: string) => readonly HubStreamEvent[],
    private readonly maxHeldChars = 64 * 1024,
  ) {}

  add(name: string | null, data: string): void {
    this.held.push({ name, data });
    this.heldChars += data.length;
    if (this.heldChars > this.maxHeldChars) this.count();
  }

  get tokens(): number {
    this.count();
    return this.output.tokens;
  }

  private count(): void {
    for (const { name, data } of this.held) {
      try {
        for (const event of this.decode(name, data)) this.output.add(event);
      } catch {
        // What the hub cannot read was relayed all the same; it is just not counted.
      }
    }
    this.held = [];
    this.heldChars = 0;
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
