import { InvalidInputError, UnknownProviderError } from '../kernel/registry.errors';
import {
  amount,
  assertBatchShape,
  callFields,
  consumerKeyKey,
  credentialKey,
  MAX_BATCH_RECORDS,
  MAX_RECORD_AMOUNT,
  normalizeBatchRecord,
} from './usage-input.rules';

describe('usage input rules', () => {
  it('canonicalizes credential ids, so one row is one tally key', () => {
    expect(credentialKey('42')).toBe('42');
    expect(credentialKey('007')).toBe('7');
    expect(credentialKey('9223372036854775807')).toBe('9223372036854775807');
    for (const bad of ['0', '9223372036854775808', '-1', '1.5', 42, undefined]) expect(() => credentialKey(bad)).toThrow(InvalidInputError);
  });

  it('canonicalizes consumer key ids the same way, naming the field', () => {
    expect(consumerKeyKey('12')).toBe('12');
    expect(consumerKeyKey('0012')).toBe('12');
    for (const bad of ['0', '9223372036854775808', 'key-1', 12, undefined]) {
      expect(() => consumerKeyKey(bad)).toThrow(/consumerKeyId: must be a consumer key id \(an integer from 1 to 9223372036854775807\)/);
    }
  });

  it('takes amounts from 0 to MAX_RECORD_AMOUNT, with the default when omitted', () => {
    expect(amount('requests', undefined, 1)).toBe(1);
    expect(amount('requests', MAX_RECORD_AMOUNT, 1)).toBe(MAX_RECORD_AMOUNT);
    for (const bad of [-1, 1.5, MAX_RECORD_AMOUNT + 1, Number.NaN]) expect(() => amount('requests', bad, 1)).toThrow(/requests/);
  });

  it('checks the call fields and names them by their place', () => {
    expect(callFields({ outcome: 'timeout', latencyMs: 12 })).toEqual({ model: undefined, outcome: 'timeout', latencyMs: 12 });
    expect(() => callFields({ outcome: 'lost' as never }, 'records.2.')).toThrow(/records\.2\.outcome/);
    expect(() => callFields({ latencyMs: -1 })).toThrow(/latencyMs/);
  });

  it('checks the key before the records, and the records by size', () => {
    expect(() => assertBatchShape('', [])).toThrow(/Idempotency-Key/);
    expect(() => assertBatchShape('k', [])).toThrow(/records/);
    expect(() =>
      assertBatchShape(
        'k',
        Array.from({ length: MAX_BATCH_RECORDS + 1 }, () => ({})),
      ),
    ).toThrow(/records/);
    expect(() => assertBatchShape('k', [{ provider: 'openai' }])).not.toThrow();
  });

  it('normalizes a batch record: an unknown provider is refused before its other fields', () => {
    const known = (provider: string) => provider === 'openai';
    expect(normalizeBatchRecord({ provider: 'openai', credentialId: '007' }, 'records.0', known)).toEqual({
      provider: 'openai',
      credentialId: '7',
      requests: 1,
      inputTokens: 0,
      outputTokens: 0,
      model: undefined,
      outcome: undefined,
      latencyMs: undefined,
    });
    expect(() => normalizeBatchRecord({ provider: 'nobody', requests: -1 }, 'records.0', known)).toThrow(UnknownProviderError);
    expect(() => normalizeBatchRecord({ provider: 'openai', requests: -1 }, 'records.0', known)).toThrow(/records\.0\.requests/);
    // Only the gateway says which consumer key a call was made with (a JavaScript host could still pass one).
    expect(() => normalizeBatchRecord({ provider: 'openai', consumerKeyId: '1' } as never, 'records.2', known)).toThrow(
      /records\.2\.consumerKeyId: is recorded by the gateway only/,
    );
  });
});
