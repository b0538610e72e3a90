import 'reflect-metadata';
import type { ArgumentMetadata } from '@nestjs/common';
import { IsIn, IsInt, IsString, MaxLength } from 'class-validator';
import { NestedObject, OptionalNotNull, OptionalNullable } from '../api/dto-rules/presence';
import { InvalidRequestError } from './invalid-request.error';
import { RepeatedInput } from './repeated-inputs';
import { apiValidationPipe } from './validation';

class Preference {
  @IsString()
  provider: string;
}

@RepeatedInput()
class Repeated {
  @IsIn(['text', 'embedding'])
  modelType: string;

  @OptionalNotNull()
  @MaxLength(1200)
  note?: string;

  @OptionalNotNull()
  @NestedObject(() => Preference)
  preference?: Preference;

  @OptionalNullable()
  @IsInt()
  count?: number | null;
}

/** Not marked itself: a subclass opts in with its own decorator. */
class Derived extends Repeated {}

class Plain {
  @IsIn(['text', 'embedding'])
  modelType: string;
}

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

describe('the API validation pipe, with inputs sent again and again', () => {
  it('hands out the DTO it built for an input of a RepeatedInput class again, frozen down to its nested objects', async () => {
    const pipe = apiValidationPipe();
    const first = (await pipe.transform({ modelType: 'text', preference: { provider: 'openai' } }, body(Repeated))) as Repeated;
    // The same values in a new object, as the next request parses them: no promise, the same DTO.
    const again = pipe.transform({ modelType: 'text', preference: { provider: 'openai' } }, body(Repeated));
    expect(again).toBe(first);
    expect(first).toBeInstanceOf(Repeated);
    expect(first.preference).toBeInstanceOf(Preference);
    expect(Object.isFrozen(first) && Object.isFrozen(first.preference)).toBe(true);
    expect(() => ((first.preference as Preference).provider = 'anthropic')).toThrow(TypeError);
  });

  it('refuses an invalid input every time, and builds a new DTO each time for a class without the mark', async () => {
    const pipe = apiValidationPipe();
    for (let i = 0; i < 2; i++) {
      const refused = await Promise.resolve()
        .then(() => pipe.transform({ modelType: 'image' }, body(Repeated)))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(InvalidRequestError);
      expect((refused as InvalidRequestError).errors).toEqual([expect.objectContaining({ field: 'modelType', rule: 'isIn' })]);
    }
    const plain = await pipe.transform({ modelType: 'text' }, body(Plain));
    expect(await pipe.transform({ modelType: 'text' }, body(Plain))).not.toBe(plain);
    expect(Object.isFrozen(plain)).toBe(false);
  });

  it('keeps apart what differs: the values, the place of the input, a long input, and forgets the oldest past its bound', async () => {
    const pipe = apiValidationPipe();
    const text = await pipe.transform({ modelType: 'text' }, body(Repeated));
    expect(await pipe.transform({ modelType: 'embedding' }, body(Repeated))).not.toBe(text);
    expect(await pipe.transform({ modelType: 'text' }, { type: 'query', metatype: Repeated })).not.toBe(text);
    const long = { modelType: 'text', note: 'x'.repeat(1100) };
    expect(await pipe.transform(long, body(Repeated))).not.toBe(await pipe.transform(long, body(Repeated)));
    for (let i = 0; i < 256; i++) await pipe.transform({ modelType: 'text', note: `n${i}` }, body(Repeated));
    expect(await pipe.transform({ modelType: 'text' }, body(Repeated))).not.toBe(text);
  });

  it('validates a number JSON cannot write as itself every time, and a subclass of a marked class every time', async () => {
    const pipe = apiValidationPipe();
    const kept = await pipe.transform({ modelType: 'text', count: null }, body(Repeated));
    // 1e400 parses to Infinity, which JSON writes as null: the same text as the valid input above.
    const refused = await Promise.resolve()
      .then(() => pipe.transform(JSON.parse('{"modelType":"text","count":1e400}'), body(Repeated)))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidRequestError);
    expect(await pipe.transform({ modelType: 'text', count: null }, body(Repeated))).toBe(kept);
    const derived = await pipe.transform({ modelType: 'text' }, body(Derived));
    expect(await pipe.transform({ modelType: 'text' }, body(Derived))).not.toBe(derived);
  });

  it('refuses a body with a forbidden key even when the same values without it were kept', async () => {
    const pipe = apiValidationPipe();
    await pipe.transform({ modelType: 'text' }, body(Repeated));
    const polluted = JSON.parse('{"modelType":"text","__proto__":{"admin":true}}') as unknown;
    expect(() => pipe.transform(polluted, body(Repeated))).toThrow(InvalidRequestError);
  });
});
