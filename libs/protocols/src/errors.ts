// The protocol-neutral description of a request the gateway refuses, shared by every adapter: each format's
// `errors.ts` renders it in its own envelope (OpenAI, Anthropic, Gemini), so the ingress decides once, not per
// format, which status a fault gets.
export interface ProtocolError {
  /** HTTP status to answer with. */
  status: number;
  /** The format's own error type string, e.g. OpenAI `invalid_request_error`. */
  type: string;
  /** Machine-readable detail where the format has one (OpenAI `code`), else null. */
  code: string | null;
  /** The offending request field as the format names it (`messages[0].role`), else null. */
  param: string | null;
  message: string;
}
