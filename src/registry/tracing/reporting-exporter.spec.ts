import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ReportingExporter } from './reporting-exporter';

describe(ReportingExporter.name, () => {
  it('says in our log that spans were lost, at most once a minute, counting them; the result goes on unchanged', () => {
    let result: ExportResult = { code: ExportResultCode.FAILED, error: new Error('connect ECONNREFUSED 127.0.0.1:4318') };
    const inner: SpanExporter = { export: (_spans, done) => done(result), shutdown: () => Promise.resolve() };
    const warnings: string[] = [];
    let now = 0;
    const exporter = new ReportingExporter(
      inner,
      (message) => warnings.push(message),
      () => now,
    );
    const seen: ExportResult[] = [];
    const spans = (n: number) => new Array<ReadableSpan>(n);

    exporter.export(spans(3), (r) => seen.push(r));
    now = 30_000;
    exporter.export(spans(2), (r) => seen.push(r));
    now = 61_000;
    exporter.export(spans(4), (r) => seen.push(r));
    result = { code: ExportResultCode.SUCCESS };
    now = 200_000;
    exporter.export(spans(5), (r) => seen.push(r));

    expect(warnings).toEqual([
      'OpenTelemetry: 3 span(s) could not be exported since the last warning: connect ECONNREFUSED 127.0.0.1:4318',
      'OpenTelemetry: 6 span(s) could not be exported since the last warning: connect ECONNREFUSED 127.0.0.1:4318',
    ]);
    expect(seen.map((r) => r.code)).toEqual([
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.SUCCESS,
    ]);
  });
});
