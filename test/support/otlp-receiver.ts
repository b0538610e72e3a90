import { createServer, IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OTLP attribute value in OTLP's JSON encoding (ints as numbers or, per protobuf's JSON mapping, strings). */
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}

interface KeyValue {
  key: string;
  value: AnyValue;
}

/** One span as received, its attributes made a plain object, its resource's beside it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's numbers: 1 internal, 2 server, 3 client. */
  kind: number;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: string;
}

export const OTLP_SPAN_KIND = { server: 2, client: 3 } as const;
export const OTLP_STATUS = { unset: 0, ok: 1, error: 2 } as const;

/**
 * A collector's OTLP/HTTP trace endpoint on 127.0.0.1, as a real one serves it: POST /v1/traces with an
 * ExportTraceServiceRequest in OTLP's JSON encoding (what @opentelemetry/exporter-trace-otlp-http sends),
 * answered 200 with an empty response. Keeps every body as received, to search for what must not be there.
 */
export class OtlpReceiver {
  private readonly server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      this.requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  readonly requests: Array<{ path: string; contentType: string; headers: IncomingHttpHeaders; body: string }> = [];
  private origin: string | null = null;

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.origin;
  }

  /** The base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT names it. */
  get url(): string {
    if (!this.origin) throw new Error('OtlpReceiver not started');
    return this.origin;
  }

  /** Every body received, as one text. */
  payload(): string {
    return this.requests.map((r) => r.body).join('\n');
  }

  /** Every span received so far, in the order they came. */
  spans(): ReceivedSpan[] {
    return this.requests.flatMap(({ body }) => {
      const request = JSON.parse(body) as {
        resourceSpans?: Array<{
          resource?: { attributes?: KeyValue[] };
          scopeSpans?: Array<{ scope?: { name?: string }; spans?: Array<Record<string, unknown>> }>;
        }>;
      };
      return (request.resourceSpans ?? []).flatMap((rs) =>
        (rs.scopeSpans ?? []).flatMap((ss) =>
          (ss.spans ?? []).map((span) => ({
            traceId: String(span.traceId),
            spanId: String(span.spanId),
            parentSpanId: typeof span.parentSpanId === 'string' ? span.parentSpanId : '',
            name: String(span.name),
            kind: Number(span.kind),
            statusCode: Number((span.status as { code?: number } | undefined)?.code ?? 0),
            startTimeUnixNano: String(span.startTimeUnixNano),
            endTimeUnixNano: String(span.endTimeUnixNano),
            attributes: plain(span.attributes as KeyValue[] | undefined),
            resource: plain(rs.resource?.attributes),
            scope: ss.scope?.name ?? '',
          })),
        ),
      );
    });
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

function plain(attributes: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
