import { parseJsonBody } from './body-parsers';

describe(parseJsonBody.name, () => {
  it('reads an object or an array; an empty body is {}', () => {
    expect(parseJsonBody('{"modelType":"text"}')).toEqual({ modelType: 'text' });
    expect(parseJsonBody(' \n[1, 2]')).toEqual([1, 2]);
    expect(parseJsonBody('')).toEqual({});
  });

  it("refuses a bare value with JSON.parse's own words for its first character", () => {
    expect(() => parseJsonBody('"abc"')).toThrow(`Unexpected token '"', ""abc"" is not valid JSON`);
    expect(() => parseJsonBody('12')).toThrow(SyntaxError);
    expect(() => parseJsonBody('   ')).toThrow('Unexpected end of JSON input');
  });

  it('refuses broken JSON, and keeps __proto__ as an own key (the validation pipe names it)', () => {
    expect(() => parseJsonBody('{"priority":')).toThrow(SyntaxError);
    const parsed = parseJsonBody('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
