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

/** The message of an error body (see errorMessageIn), if it is JSON and has one. */
function errorMessageOf(body: string): string | undefined {
  try {
    return errorMessageIn(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/**
 * The message of a parsed error in OpenAI's or Anthropic's shape (`{ error: { message } }`) or another
 * server's: a string `error` (Hugging Face's TGI), `message`, or `detail` (FastAPI).
 */
export function errorMessageIn(parsed: unknown): string | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { error, message, detail } = parsed as { error?: unknown; message?: unknown; detail?: unknown };
  const nested = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return [nested, error, message, detail].find((value): value is string => typeof value === 'string' && value !== '');
}
