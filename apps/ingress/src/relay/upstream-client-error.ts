// The last failed upstream answer when it is the caller's own fault (400, 404, 422, ...): thrown by the
// UpstreamCaller and relayed as the provider said it. Its own file so the tracing code can tell it apart
// without importing the caller.
/** The last failed upstream answer when it is the caller's own fault: relayed as the provider said it. */
export class UpstreamClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string,
  ) {
    super(`upstream answered ${status}`);
  }
}
