// The model an upstream says produced its answer (`gen_ai.response.model` on the request's span), read from a
// JSON answer or the first events of a relayed stream, whatever the format: OpenAI Chat and Anthropic answers
// carry `model`, Gemini `modelVersion`, Responses stream events `response.model`, Anthropic's message_start
// `message.model`. Relayed streams are otherwise not parsed for this, so the stream relay reads only the first
// few events, and only when someone (tracing) wants it.

/** Events of a relayed stream looked at for the model before giving up. */
export const RESPONSE_MODEL_EVENTS = 3;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function modelField(value: unknown): string | null {
  if (!isRecord(value)) return null;
  const model = value['model'] ?? value['modelVersion'];
  return typeof model === 'string' && model !== '' ? model.slice(0, 300) : null;
}

/** From a parsed answer or stream event; null when it names no model. */
export function responseModelOf(json: unknown): string | null {
  if (!isRecord(json)) return null;
  return modelField(json) ?? modelField(json['response']) ?? modelField(json['message']);
}

/** From the data of one stream event (not JSON, or no model: null). */
export function responseModelOfEvent(data: string): string | null {
  try {
    return responseModelOf(JSON.parse(data));
  } catch {
    return null;
  }
}
