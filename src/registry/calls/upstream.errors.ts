/**
 * What the gateway's raw HTTP calls raise, in the vocabulary the plan walk judges (judgeAttempt):
 * the AI SDK's APICallError plays the same part for the in-process adapter.
 */

/** The upstream answered with an error status. `body` is its answer as text (bounded), for the caller when it is the caller's fault. */
export class UpstreamStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string | undefined,
  ) {
    super(`the provider answered HTTP ${status}`);
    this.name = 'UpstreamStatusError';
  }
}

/** The upstream answered 2xx with a body that cannot be what it promised (not JSON, cut short). */
export class UpstreamBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamBodyError';
  }
}
