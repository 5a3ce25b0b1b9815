// The shapes every fake upstream shares: how it is started, what it records, and the faults it can play.
// Kept apart from the server so callers can import types only.

export interface FakeUpstreamOptions {
  /** Port to listen on, on 127.0.0.1 only. 0 (the default) picks a free port. */
  port?: number;
  /** Accepted API keys. Without it, any key with the upstream's usual prefix is accepted. */
  keys?: string[];
  /**
   * Serves the API under this path (`/api`: `/api/v1/chat/completions`), as a provider behind a path prefix
   * (OpenRouter's `https://openrouter.ai/api`) does; a request outside it gets the fake's 404.
   */
  pathPrefix?: string;
}

/** One HTTP request as the fake received it, recorded before any fault is applied. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  /** Header names are lower-case; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when the body was empty or not valid JSON. */
  body: unknown;
  rawBody: string;
  /** Epoch milliseconds at which the body had been fully read. */
  at: number;
}

/** Limits a fault to requests whose path starts with this prefix; without it the fault matches any path. */
interface FaultScope {
  path?: string;
}

export type Fault =
  | (FaultScope & {
      kind: 'status';
      status: number;
      /** Sent as JSON. Defaults to the error envelope the real upstream sends with this status. */
      body?: unknown;
      headers?: Record<string, string>;
      /**
       * Appends the request's headers as received (upstream key included) to the body's `error.message`, as a
       * provider or proxy that echoes what it got would: for tests that nothing it echoes leaks.
       */
      echoHeaders?: boolean;
    })
  /** Waits before sending the status line (slow first byte), then answers normally. */
  | (FaultScope & { kind: 'delay'; ms: number })
  /** Reads the request and never answers, until the client gives up or the fake is closed. */
  | (FaultScope & { kind: 'hang' })
  /** Resets the TCP connection (RST) before any response byte. */
  | (FaultScope & { kind: 'reset' })
  /**
   * Only matches streaming requests (it waits in the queue for one): `stream: true` in the body for OpenAI
   * and Anthropic, `:streamGenerateContent` for Gemini. Sends the headers, the events that open the stream and
   * `afterChunks` content chunks (text, thinking or tool-argument pieces), then drops the connection before
   * the events that finish the stream (finish reason, usage, terminator).
   */
  | (FaultScope & { kind: 'reset-mid-stream'; afterChunks: number });
