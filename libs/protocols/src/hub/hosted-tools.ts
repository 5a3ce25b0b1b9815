// Provider-run ("hosted") tools across formats. A Responses client (Codex) declares OpenAI's own tools beside
// its functions: `web_search` always, sometimes `file_search`, `code_interpreter`, `image_generation`, `mcp`,
// `local_shell`, `computer_use_preview`. Another provider runs its own equivalent where one exists (web search:
// Anthropic's server-side `web_search_20250305`, Gemini's `googleSearch`); every other hosted tool is dropped,
// the policy that lets a coding agent work (its functions still do), and the dropped ones are named so ingress
// can tell the client (a response header, the usage record).
import type { HostedToolKind, HubHostedTool, HubRequest } from './hub.types';

/** The upstream wire formats, as far as hosted tools are concerned. */
export type HostedToolTarget = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini';

/** OpenAI's web search tool types, dated and undated, preview or not. */
const WEB_SEARCH_TYPE = /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/;

export function hostedToolKind(type: string): HostedToolKind {
  return WEB_SEARCH_TYPE.test(type) ? 'web_search' : 'other';
}

/**
 * The hosted tools of `request` an upstream of `target` runs (for `upstreamModel`), and the client type names
 * of those it drops. Gemini before 3 refuses Google Search next to function declarations, so there web search
 * is kept only in a request without functions.
 */
export function hostedToolsFor(
  request: HubRequest,
  target: HostedToolTarget,
  upstreamModel: string,
): { kept: HubHostedTool[]; dropped: string[] } {
  const kept: HubHostedTool[] = [];
  const dropped: string[] = [];
  for (const tool of request.hostedTools ?? []) {
    if (runs(tool, target, request, upstreamModel)) kept.push(tool);
    else dropped.push(tool.type);
  }
  return { kept, dropped };
}

function runs(
  tool: HubHostedTool,
  target: HostedToolTarget,
  request: HubRequest,
  upstreamModel: string,
): boolean {
  switch (target) {
    case 'openai-responses':
      return true;
    case 'openai-chat':
      return false;
    case 'anthropic':
      return tool.kind === 'web_search';
    case 'gemini': {
      if (tool.kind !== 'web_search') return false;
      const version = /gemini-(\d+)/.exec(upstreamModel);
      return request.tools.length === 0 || (version !== null && Number(version[1]) >= 3);
    }
  }
}
