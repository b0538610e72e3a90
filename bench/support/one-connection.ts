import { Agent, request } from 'node:http';

/**
 * A high-resolution client on one keep-alive connection (`node:http`, `process.hrtime.bigint()`):
 * one request at a time, so a figure is the latency of one call, not a queue's. For a stream it also
 * times the first server-sent event (the first `\n\n` of the body), the "time to first chunk".
 */
export interface CallTiming {
  /** Request written → the response's last byte, ms. */
  totalMs: number;
  /** Request written → the first complete SSE event, ms (JSON answers: the first body byte). */
  firstChunkMs: number;
}

export class OneConnection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly target: URL;

  constructor(
    url: string,
    private readonly headers: Record<string, string>,
  ) {
    this.target = new URL(url);
  }

  /** POSTs `body`; rejects on a status other than 200 or, for a stream, one that does not end with `data: [DONE]`. */
  call(body: string, stream: boolean): Promise<CallTiming> {
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      let firstChunk: bigint | undefined;
      let head = '';
      let tail = '';
      const req = request(
        {
          agent: this.agent,
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers: { ...this.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (firstChunk === undefined) {
              head += chunk;
              if (!stream || head.includes('\n\n')) firstChunk = process.hrtime.bigint();
            }
            tail = (tail + chunk).slice(-64);
          });
          res.on('end', () => {
            const ended = process.hrtime.bigint();
            if (res.statusCode !== 200) return reject(new Error(`${res.statusCode} from ${this.target.href}: ${head.slice(0, 300)}`));
            if (stream && !tail.endsWith('data: [DONE]\n\n'))
              return reject(new Error(`a stream from ${this.target.href} ended without [DONE]`));
            resolve({ totalMs: Number(ended - started) / 1e6, firstChunkMs: Number((firstChunk ?? ended) - started) / 1e6 });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${this.target.href} in 30 s`)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
