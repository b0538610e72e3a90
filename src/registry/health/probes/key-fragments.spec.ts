import { keyEchoes, keyLeaks } from '../../../../test/support/fake-provider-server';
import { removeKeyFragments } from './key-fragments';

const KEY = 'sk-proj-Q7x2Lm9PzR4tVb8Nc1Wd6Yf3Hg5Jk0Ls';

const leaks = (text: string) => keyLeaks(text, KEY);

describe(removeKeyFragments.name, () => {
  it('removes every piece of ≥ 8 characters in every encoding (all pieces, brute force)', () => {
    const failures: string[] = [];
    for (const [name, echoed] of keyEchoes(KEY)) {
      const text = `Invalid key «${echoed}» given`;
      const scrubbed = removeKeyFragments(text, [KEY]);
      const left = leaks(scrubbed);
      if (left.length > 0) failures.push(`${name} ${echoed} → ${scrubbed}: ${left.join(', ')}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('removes the echoes real servers produced: last 20, middle 24 upper-cased, base64 and Basic forms', () => {
    const text = [
      `key ending ${KEY.slice(-20)}`,
      `mid ${KEY.slice(8, 32).toUpperCase()}`,
      `b64 ${Buffer.from(KEY.slice(-20)).toString('base64')}`,
      `basic ${Buffer.from(`api:${KEY}`).toString('base64')}`,
    ].join('; ');
    const scrubbed = removeKeyFragments(text, [KEY]);
    expect(leaks(scrubbed)).toEqual([]);
    // What remains of the encoded forms: the groups that encode `api:` and the padding.
    expect(scrubbed).toBe('key ending [redacted]; mid [redacted]; b64 [redacted]=; basic YXBpOnNr[redacted]=');
  });

  it('keeps text that shares fewer than 8 characters with the key', () => {
    expect(removeKeyFragments(`HTTP 401 (invalid_api_key) near ${KEY.slice(3, 10)}`, [KEY])).toBe(
      `HTTP 401 (invalid_api_key) near ${KEY.slice(3, 10)}`,
    );
  });

  it('leaves text alone for keys shorter than a fragment, and without keys', () => {
    expect(removeKeyFragments('short key abc1234 here', ['abc1234'])).toBe('short key abc1234 here');
    expect(removeKeyFragments(KEY, [])).toBe(KEY);
  });

  it('marks overlapping and adjacent runs once', () => {
    expect(removeKeyFragments(`${KEY}${KEY.toUpperCase()}!`, [KEY])).toBe('[redacted]!');
  });

  it('treats text whose lower-casing changes length as suspect when it holds a piece', () => {
    const text = `İİ ${KEY.slice(5, 20)}`; // 'İ'.toLowerCase() is two characters long
    expect(removeKeyFragments(text, [KEY])).toBe('[redacted]');
    expect(removeKeyFragments('İİ nothing here', [KEY])).toBe('İİ nothing here');
  });
});
