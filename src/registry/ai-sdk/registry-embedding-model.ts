import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from '@ai-sdk/provider';
import type { ModelRequest, PlanWalker } from '../calls/plan-walker';
import { withReport } from './registry-language-model';
import { sdkEmbeddingModel } from './sdk-models';

/**
 * An EmbeddingModelV3 over a selection. Its plan holds only candidates of the chosen model (another
 * model's vectors would not be comparable with the ones already stored), so a fallback is the same
 * model at another provider, never another model.
 */
export class RegistryEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'registry';
  readonly modelId: string;
  /** OpenAI's limit per request, which the compatible servers also accept; embedMany splits larger batches. */
  readonly maxEmbeddingsPerCall = 2048;
  readonly supportsParallelCalls = true;

  constructor(
    private readonly request: ModelRequest,
    private readonly walker: PlanWalker,
  ) {
    this.modelId = request.operation ? `embedding:${request.operation}` : 'embedding';
  }

  doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    return this.walker.walk('embedding', this.request, options.abortSignal, async (attempt) => {
      const model = await sdkEmbeddingModel(attempt.candidate.provider, attempt.connection, attempt.candidate.model, attempt.fetch);
      const result = await model.doEmbed({ ...options, abortSignal: attempt.signal.signal });
      attempt.signal.dispose();
      attempt.record('success', { inputTokens: result.usage?.tokens });
      return { ...result, providerMetadata: withReport(result.providerMetadata, attempt.report) };
    });
  }
}
