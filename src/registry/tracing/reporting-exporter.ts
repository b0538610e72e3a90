import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const WARN_EVERY_MS = 60_000;

/**
 * The OTLP exporter, with its failures said in our log: the SDK reports them only through its own
 * diagnostic logger, which is global (the host's to set) and silent by default, so a collector that is
 * down would lose every span without a word. At most one warning a minute, counting the spans lost since.
 */
export class ReportingExporter implements SpanExporter {
  private lastWarningAt = -Infinity;
  private lostSinceWarning = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly warn: (message: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.lost(spans.length, result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private lost(spans: number, error: Error | undefined): void {
    this.lostSinceWarning += spans;
    const now = this.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) return;
    this.lastWarningAt = now;
    const why = error?.message ? `: ${error.message.slice(0, 200)}` : '';
    this.warn(`OpenTelemetry: ${this.lostSinceWarning} span(s) could not be exported since the last warning${why}`);
    this.lostSinceWarning = 0;
  }
}
