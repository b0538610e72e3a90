import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import type { Connection } from '../calls/call-connections';

/**
 * The AI SDK model for one attempt, built on the spot so the plaintext key lives only in this call's
 * closure. The key is always passed (an empty string when there is none): an omitted one would make
 * the SDK read OPENAI_API_KEY / ANTHROPIC_API_KEY from the host's environment and send it here.
 * OpenAI is called through chat completions (what every compatible server also speaks), not the
 * Responses API the SDK defaults to.
 */
export function sdkLanguageModel(
  provider: string,
  connection: Connection,
  modelId: string,
  fetch: typeof globalThis.fetch,
): LanguageModelV3 {
  const { wire, baseURL } = connection.endpoint;
  const apiKey = connection.apiKey ?? '';
  switch (wire) {
    case 'openai':
      return createOpenAI({ apiKey, baseURL, fetch }).chat(modelId);
    case 'anthropic':
      return createAnthropic({ apiKey, baseURL, fetch }).messages(modelId);
    case 'openai_compatible':
      return compatible(provider, connection, fetch).chatModel(modelId);
  }
}

/** CallConnections never offers an Anthropic endpoint for embeddings: its API has none. */
export function sdkEmbeddingModel(
  provider: string,
  connection: Connection,
  modelId: string,
  fetch: typeof globalThis.fetch,
): EmbeddingModelV3 {
  const { wire, baseURL } = connection.endpoint;
  switch (wire) {
    case 'openai':
      return createOpenAI({ apiKey: connection.apiKey ?? '', baseURL, fetch }).embedding(modelId);
    case 'anthropic':
      throw new Error(`${provider}: Anthropic's API has no embeddings`);
    case 'openai_compatible':
      return compatible(provider, connection, fetch).embeddingModel(modelId);
  }
}

/** Keyless servers (a local Ollama) get no Authorization header at all; streams report their usage. */
function compatible(provider: string, connection: Connection, fetch: typeof globalThis.fetch) {
  return createOpenAICompatible({
    name: provider,
    baseURL: connection.endpoint.baseURL,
    apiKey: connection.apiKey,
    fetch,
    includeUsage: true,
  });
}
