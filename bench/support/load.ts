import autocannon from 'autocannon';
import { cpuSecondsOf } from './process-cpu';

export interface LoadTarget {
  /** One URL, or several (autocannon spreads the connections over them): the load generator in front of instances. */
  url: string | string[];
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Requests answered other than 2xx, and connection errors: a figure with these is not comparable. */
  failed: number;
  /** Requests sent in the run. */
  requests: number;
  /** The server's CPU time per request (µs), when measured (withServerCpu). */
  cpuMicros?: number;
}

/** `connections` keep-alive connections for `seconds` (or until `{ amount }` requests are answered), as autocannon measures them. */
export async function load(target: LoadTarget, connections: number, seconds: number | { amount: number }): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url as string,
    method: target.method ?? 'GET',
    headers: { ...(target.body === undefined ? {} : { 'content-type': 'application/json' }), ...target.headers },
    body: target.body === undefined ? undefined : JSON.stringify(target.body),
    connections,
    ...(typeof seconds === 'number' ? { duration: seconds } : { amount: seconds.amount }),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

/**
 * `run`'s result with the CPU time the server process `pid` used per request meanwhile, from /proc:
 * steadier than req/s on a machine whose other work (and the load generator on the same cores) sways
 * the throughput of every figure from one round to the next.
 */
export async function withServerCpu(pid: number, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = cpuSecondsOf(pid);
  const result = await run();
  return { ...result, cpuMicros: ((cpuSecondsOf(pid) - before) * 1e6) / Math.max(1, result.requests) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs every target for `rounds` rounds, interleaved (a, b, c, a, b, c…), so drift in the machine's load hits all alike; medians per target. */
export async function sideBySide<K extends string>(
  targets: Record<K, () => Promise<LoadResult>>,
  rounds: number,
): Promise<Record<K, LoadResult>> {
  const runs = new Map<K, LoadResult[]>();
  for (let round = 0; round < rounds; round++) {
    for (const key of Object.keys(targets) as K[]) runs.set(key, [...(runs.get(key) ?? []), await targets[key]()]);
  }
  const out = {} as Record<K, LoadResult>;
  for (const [key, results] of runs) {
    out[key] = {
      rps: median(results.map((r) => r.rps)),
      p50: median(results.map((r) => r.p50)),
      p99: median(results.map((r) => r.p99)),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      requests: results.reduce((sum, r) => sum + r.requests, 0),
      ...(results.every((r) => r.cpuMicros !== undefined) ? { cpuMicros: median(results.map((r) => r.cpuMicros!)) } : {}),
    };
  }
  return out;
}

/** A fixed-width table, as the other benchmarks print. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? Math.round(cell).toLocaleString('en-US') : cell))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => String(row[i]).length)));
  const line = (row: (string | number)[]) =>
    row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
