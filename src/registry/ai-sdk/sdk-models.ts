import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import type { Connection } from '../calls/call-connections';

/*
 * The providers' SDK packages are loaded on the first call that needs one, and the loaded module kept:
 * a process that never calls a model through the adapter — the CLI, a server serving only /v1 and
 * /api — does not pay for loading them at start, and later calls do not resolve them again.
 */
let openAi: Promise<typeof import('@ai-sdk/openai')> | undefined;
let anthropic: Promise<typeof import('@ai-sdk/anthropic')> | undefined;
let openAiCompatible: Promise<typeof import('@ai-sdk/openai-compatible')> | undefined;
const openAiSdk = () => (openAi ??= import('@ai-sdk/openai'));
const anthropicSdk = () => (anthropic ??= import('@ai-sdk/anthropic'));
const openAiCompatibleSdk = () => (openAiCompatible ??= import('@ai-sdk/openai-compatible'));

/**
 * The AI SDK model for one attempt, built on the spot so the plaintext key lives only in this call's
 * closure. The key is always passed (an empty string when there is none): an omitted one would make
 * the SDK read OPENAI_API_KEY / ANTHROPIC_API_KEY from the host's environment and send it here.
 * OpenAI is called through chat completions (what every compatible server also speaks), not the
 * Responses API the SDK defaults to.
 */
export async function sdkLanguageModel(
  provider: string,
  connection: Connection,
  modelId: string,
  fetch: typeof globalThis.fetch,
): Promise<LanguageModelV3> {
  const { wire, baseURL } = connection.endpoint;
  const apiKey = connection.apiKey ?? '';
  switch (wire) {
    case 'openai': {
      const { createOpenAI } = await openAiSdk();
      return createOpenAI({ apiKey, baseURL, fetch }).chat(modelId);
    }
    case 'anthropic': {
      const { createAnthropic } = await anthropicSdk();
      return createAnthropic({ apiKey, baseURL, fetch }).messages(modelId);
    }
    case 'openai_compatible':
      return (await compatible(provider, connection, fetch)).chatModel(modelId);
  }
}

/** CallConnections never offers an Anthropic endpoint for embeddings: its API has none. */
export async function sdkEmbeddingModel(
  provider: string,
  connection: Connection,
  modelId: string,
  fetch: typeof globalThis.fetch,
): Promise<EmbeddingModelV3> {
  const { wire, baseURL } = connection.endpoint;
  switch (wire) {
    case 'openai': {
      const { createOpenAI } = await openAiSdk();
      return createOpenAI({ apiKey: connection.apiKey ?? '', baseURL, fetch }).embedding(modelId);
    }
    case 'anthropic':
      throw new Error(`${provider}: Anthropic's API has no embeddings`);
    case 'openai_compatible':
      return (await compatible(provider, connection, fetch)).embeddingModel(modelId);
  }
}

/** Keyless servers (a local Ollama) get no Authorization header at all; streams report their usage. */
async function compatible(provider: string, connection: Connection, fetch: typeof globalThis.fetch) {
  const { createOpenAICompatible } = await openAiCompatibleSdk();
  return createOpenAICompatible({
    name: provider,
    baseURL: connection.endpoint.baseURL,
    apiKey: connection.apiKey,
    fetch,
    includeUsage: true,
  });
}
