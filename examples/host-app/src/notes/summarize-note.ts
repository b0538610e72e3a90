import { generateText, streamText } from 'ai';
import type { CallReport, RegistryModels } from 'ai-provider-registry';

/**
 * The host calling a model through the registry: the model is a selection (here the catalog's
 * `classification` operation), so the provider, its key, the fallback and the usage come with it.
 */
export async function summarizeNote(models: RegistryModels, note: string): Promise<{ summary: string; answeredBy: string }> {
  const { text, providerMetadata } = await generateText({
    model: models.languageModel({ operation: 'classification' }),
    prompt: `Summarize in five words: ${note}`,
    // The registry's fallback is the retry: it already tried the next candidate.
    maxRetries: 0,
  });
  const report = providerMetadata?.registry as unknown as CallReport;
  return { summary: text, answeredBy: `${report.provider}/${report.model}` };
}

/** The same, streamed: a provider that fails before its first chunk is replaced; after it, never. */
export async function streamSummary(models: RegistryModels, note: string, write: (chunk: string) => void): Promise<CallReport> {
  const result = streamText({ model: models.languageModel(), prompt: `Summarize: ${note}`, maxRetries: 0 });
  for await (const chunk of result.textStream) write(chunk);
  return (await result.providerMetadata)?.registry as unknown as CallReport;
}
