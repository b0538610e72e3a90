import { KeyLimitExceededError } from '../key-limits/key-limits.errors';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { UnknownModelError } from '../selection/selection.errors';
import { CallWatch } from './call-watch';
import type { GatewayCallRecord, GatewayObservers } from './gateway-observers';

describe(CallWatch.name, () => {
  function watch() {
    const reasons: string[] = [];
    const records: GatewayCallRecord[] = [];
    const metrics = { notAnswered: (reason: string) => reasons.push(reason), fellBack: () => undefined } as unknown as GatewayMetrics;
    const observers = { callEnded: (record: GatewayCallRecord) => records.push(record) } as unknown as GatewayObservers;
    return { watch: new CallWatch('chat', '7', new AbortController().signal, metrics, observers), reasons, records };
  }

  it.each(['requests', 'tokens', 'parallel', 'budget'] as const)(
    'counts a refusal by the key’s %s limit as key_limit, not invalid_request',
    (limit) => {
      const { watch: w, reasons, records } = watch();
      w.failed(new KeyLimitExceededError(limit, 30, 'limit reached', {}));
      expect(reasons).toEqual(['key_limit']);
      expect(records).toMatchObject([{ result: 'key_limit', errorCode: 'KEY_LIMIT_EXCEEDED', consumerKeyId: '7', provider: null }]);
    },
  );

  it('keeps its other reasons', () => {
    const { watch: w, reasons } = watch();
    w.failed(new UnknownModelError({ model: 'gpt-nope' }, 'text', 'no such model'));
    w.failed(new Error('bad body'));
    expect(reasons).toEqual(['unknown_model', 'invalid_request']);
  });
});
