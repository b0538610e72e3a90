import { IsInt, IsString, MetadataStorage, Min, getMetadataStorage, validateSync } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata-cache';

describe('memoizeValidationMetadata', () => {
  class Base {
    @IsString()
    name!: unknown;
  }

  class Child extends Base {
    @IsInt()
    count!: unknown;
  }

  const rules = (object: object, options = {}) =>
    validateSync(object, { whitelist: true, forbidNonWhitelisted: true, ...options }).flatMap((error) =>
      Object.keys(error.constraints ?? {}).map((rule) => `${error.property}:${rule}`),
    );

  beforeAll(() => memoizeValidationMetadata());

  it('validates as class-validator does, inherited rules included, on every call', () => {
    const child = Object.assign(new Child(), { name: 1, count: 'x', extra: true });
    const expected = ['extra:whitelistValidation', 'name:isString', 'count:isInt'];
    expect(rules(child).sort()).toEqual(expected.sort());
    expect(rules(child).sort()).toEqual(expected.sort());
    expect(rules(Object.assign(new Child(), { name: 'a', count: 2 }))).toEqual([]);
  });

  it('looks a class up once: the next validation gets what was kept', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(first.map((rule) => rule.propertyName).sort()).toEqual(['count', 'name']);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
  });

  it('keeps the answers of different options apart (groups)', () => {
    class Grouped {
      @IsInt({ groups: ['strict'] })
      count!: unknown;
    }
    const value = Object.assign(new Grouped(), { count: 'x' });
    expect(rules(value, { groups: ['strict'] })).toEqual(['count:isInt']);
    expect(rules(value, { groups: ['other'], forbidUnknownValues: false, whitelist: false })).toEqual([]);
    expect(rules(value, { groups: ['strict'] })).toEqual(['count:isInt']);
  });

  it('sees a rule registered after a class was first validated', () => {
    class Late {
      @IsInt()
      count!: unknown;
    }
    const value = Object.assign(new Late(), { count: -1 });
    expect(rules(value)).toEqual([]);
    Min(0)(Late.prototype, 'count');
    expect(rules(value)).toEqual(['count:min']);
  });

  it('hands an object without a constructor to class-validator as it is (which refuses it as before)', () => {
    const bare = Object.assign(Object.create(null) as object, { anything: 1 });
    expect(() => validateSync(bare)).toThrow("Cannot read properties of undefined (reading 'prototype')");
  });

  it('is installed once, however often it is asked', () => {
    const storage = new MetadataStorage();
    memoizeValidationMetadata(storage);
    const installed = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata(storage);
    expect(storage.getTargetValidationMetadatas).toBe(installed);
  });
});
