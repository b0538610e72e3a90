import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
} from '@ai-sdk/provider';
import { CallReport, REPORT_KEY } from '../calls/call-report';
import type { Attempt, ModelRequest, PlanWalker } from '../calls/plan-walker';
import { sdkLanguageModel } from './sdk-models';
import { continueStream, readToFirstOutput } from './stream-start';

/**
 * A LanguageModelV3 that is a selection, not one provider's model: each doGenerate/doStream plans
 * the request anew, calls the chosen candidate and falls back along the plan (PlanWalker). What
 * answered is in `providerMetadata.registry` (CallReport) and in `response.modelId`.
 */
export class RegistryLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'registry';
  readonly modelId: string;
  /** URLs in prompts are downloaded by the SDK: which provider will answer is not known yet. */
  readonly supportedUrls: Record<string, RegExp[]> = {};

  constructor(
    private readonly request: ModelRequest,
    private readonly walker: PlanWalker,
  ) {
    this.modelId = request.operation ? `text:${request.operation}` : 'text';
  }

  doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    return this.walker.walk('text', this.request, options.abortSignal, async (attempt) => {
      const model = await sdkLanguageModel(attempt.candidate.provider, attempt.connection, attempt.candidate.model, attempt.fetch);
      const result = await model.doGenerate({ ...options, abortSignal: attempt.signal.signal });
      attempt.signal.dispose();
      attempt.record('success', tokensOf(result.usage));
      return { ...result, providerMetadata: withReport(result.providerMetadata, attempt.report) };
    });
  }

  doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    return this.walker.walk('text', this.request, options.abortSignal, async (attempt) => {
      const model = await sdkLanguageModel(attempt.candidate.provider, attempt.connection, attempt.candidate.model, attempt.fetch);
      const result = await model.doStream({ ...options, abortSignal: attempt.signal.signal });
      const started = await readToFirstOutput(result.stream);
      attempt.signal.stopTimer();
      return { ...result, stream: continueStream(started, streamEnd(attempt)) };
    });
  }
}

function streamEnd(attempt: Attempt) {
  return {
    finished(part: Extract<LanguageModelV3StreamPart, { type: 'finish' }>): LanguageModelV3StreamPart {
      attempt.signal.dispose();
      attempt.record('success', tokensOf(part.usage));
      return { ...part, providerMetadata: withReport(part.providerMetadata, attempt.report) };
    },
    failed: (error: unknown) => attempt.failedMidStream(error),
    ended(reason: 'cancelled' | 'no_finish') {
      attempt.signal.dispose();
      // A consumer that stops reading says nothing about the provider; a stream cut short without its finish does.
      attempt.record(reason === 'cancelled' ? undefined : 'error');
    },
  };
}

export function tokensOf(usage: LanguageModelV3Usage | undefined): { inputTokens?: number; outputTokens?: number } {
  return { inputTokens: usage?.inputTokens.total, outputTokens: usage?.outputTokens.total };
}

export function withReport(metadata: SharedV3ProviderMetadata | undefined, report: CallReport): SharedV3ProviderMetadata {
  return { ...metadata, [REPORT_KEY]: report as unknown as SharedV3ProviderMetadata[string] };
}
