import type { RequestLogEntry } from '../../../admin/src/api/types';
import { REQUEST_RESULTS } from '../../../src/registry/request-log/request-log.types';
import {
  RESULT_WORDS,
  answeredBy,
  attemptInWords,
  attemptsInWords,
  keyLabel,
  resultInWords,
  tokensInWords,
  utcFromInput,
} from '../../../admin/src/request-log';

const attempt = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  outcome: 'rate_limited',
  status: 429,
  reason: 'rate limited (429)',
  latencyMs: 8,
};

describe('the request log in words', () => {
  it('has words for every result the server logs, in its order', () => {
    expect(Object.keys(RESULT_WORDS)).toEqual([...REQUEST_RESULTS]);
    expect(resultInWords('all_candidates_failed')).toBe('every provider failed');
    expect(resultInWords('some_new_result')).toBe('some new result');
  });

  it('names the key, who answered, the tokens and the attempts', () => {
    expect([
      keyLabel({ keyId: '3', keyName: 'checkout' }),
      keyLabel({ keyId: '3', keyName: null }),
      keyLabel({ keyId: null, keyName: null }),
    ]).toEqual(['checkout', '#3', '(no key)']);
    expect([answeredBy({ provider: 'anthropic', model: 'claude-haiku-4-5' }), answeredBy({ provider: null, model: null })]).toEqual([
      'anthropic/claude-haiku-4-5',
      null,
    ]);
    expect(tokensInWords({ inputTokens: 1200, outputTokens: 35 })).toBe('1,200 in, 35 out');
    expect(tokensInWords({ inputTokens: 4, outputTokens: null })).toBe('4 in');
    expect(tokensInWords({ inputTokens: null, outputTokens: null })).toBe('—');
    const entry = (provider: string | null, n: number): Pick<RequestLogEntry, 'attempts' | 'provider'> => ({
      provider,
      attempts: Array.from({ length: n }, () => attempt),
    });
    expect([attemptsInWords(entry('anthropic', 1)), attemptsInWords(entry(null, 1)), attemptsInWords(entry(null, 3))]).toEqual([
      '1 failed before',
      '1 attempt, failed',
      '3 attempts, all failed',
    ]);
    expect(attemptInWords(attempt)).toBe('openai/gpt-4o-mini: rate limited (429), HTTP 429, 8 ms');
    expect(attemptInWords({ ...attempt, status: null, reason: 'no usable credential' })).toBe(
      'openai/gpt-4o-mini: no usable credential, 8 ms',
    );
  });

  it('reads a typed time as UTC', () => {
    expect(utcFromInput('2026-12-05T04:30')).toBe('2026-12-05T04:30:00.000Z');
    expect(utcFromInput(' ')).toBeUndefined();
  });
});
