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
    super(errorMessageOf(body) ?? `the provider answered HTTP ${status}`);
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

/** The message of an error body in OpenAI's or Anthropic's shape (`{ error: { message } }`), if it has one. */
function errorMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'object' && parsed.error !== null ? parsed.error.message : (parsed.error ?? parsed.message);
    return typeof message === 'string' && message !== '' ? message : undefined;
  } catch {
    return undefined;
  }
}
