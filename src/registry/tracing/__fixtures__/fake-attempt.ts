import type { Attempt } from '../../calls/plan-walker';
import type { GatewayCallRecord } from '../../gateway/gateway-observers';

/** What the tracing reads of an attempt (candidate, endpoint, report, signal), for its specs; a key is there to prove it is not read. */
export function fakeAttempt(
  over: { failed?: Attempt['report']['failed']; signal?: Partial<Attempt['signal']>; baseURL?: string; model?: string } = {},
): Attempt {
  const model = over.model ?? 'claude-haiku-4-5';
  return {
    candidate: { provider: 'anthropic', model, source: 'fallback_chain' },
    connection: { endpoint: { wire: 'anthropic', baseURL: over.baseURL ?? 'https://user:pw@api.example.com/v1' }, apiKey: 'sk-secret' },
    report: { provider: 'anthropic', model, source: 'fallback_chain', failed: over.failed ?? [], skipped: [] },
    signal: { callerAborted: false, timedOut: false, ...over.signal },
  } as unknown as Attempt;
}

/** A call that ended answered by anthropic/claude-haiku-4-5 (11 + 3 tokens), as CallWatch tells it. */
export const fakeRecord = (over: Partial<GatewayCallRecord> = {}): GatewayCallRecord => ({
  startedAt: new Date(),
  kind: 'chat',
  consumerKeyId: '7',
  modelAsked: 'auto',
  stream: false,
  provider: 'anthropic',
  model: 'claude-haiku-4-5',
  result: 'success',
  upstreamStatus: 200,
  errorCode: null,
  failedAttempts: [],
  inputTokens: 11,
  outputTokens: 3,
  latencyMs: 20,
  timeToFirstTokenMs: null,
  ...over,
});
