/**
 * Shorter than any provider's real key: a placeholder a local server is given ("ollama", "EMPTY")
 * would otherwise be replaced in what a model wrote, or in the answer's own JSON and SSE syntax.
 */
const MIN_SECRET_LENGTH = 16;

/**
 * What an upstream answered, with the key it was sent replaced wherever it came back whole (an
 * upstream or a proxy in front of it that echoes the request's headers in its answer): the answer
 * goes to the gateway's client, who must never see the provider's key. Only the exact key: the
 * key-shaped patterns error messages are cleaned of would also change what a model wrote.
 */
export function withoutEchoedKey(text: string, apiKey: string | undefined): string {
  return apiKey !== undefined && apiKey.length >= MIN_SECRET_LENGTH && text.includes(apiKey) ? text.split(apiKey).join('[redacted]') : text;
}
