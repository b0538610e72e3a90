import { Injectable } from '@nestjs/common';
import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import { ModelRequest, PlanWalker } from '../calls/plan-walker';
import { RegistryEmbeddingModel } from './registry-embedding-model';
import { RegistryLanguageModel } from './registry-language-model';

/**
 * Vercel AI SDK models backed by the registry, for generateText/streamText/embed/embedMany:
 *
 *   const { text, providerMetadata } = await generateText({ model: models.languageModel({ operation: 'tagging' }), prompt, maxRetries: 0 });
 *   providerMetadata?.registry  // { provider, model, source, failed: [...], skipped: [...] }
 *
 * Each call selects anew (the model object can be kept), uses the provider's active credential, falls
 * back along the selection on a connection error, timeout, 5xx, 429 or 401/403 before any output was
 * streamed, and records usage and the outcome of every attempt. See README "Calling models".
 */
@Injectable()
export class RegistryModels {
  constructor(private readonly walker: PlanWalker) {}

  languageModel(request: ModelRequest = {}): LanguageModelV3 {
    return new RegistryLanguageModel(request, this.walker);
  }

  textEmbeddingModel(request: ModelRequest = {}): EmbeddingModelV3 {
    return new RegistryEmbeddingModel(request, this.walker);
  }
}
