import type { ArgumentMetadata } from '@nestjs/common';

const REPEATED_INPUT = Symbol('api:repeated-input');

/** Inputs longer than this many characters as JSON are validated every time: a cache of them would hold too much. */
const MAX_KEY_LENGTH = 1024;
/** Inputs remembered per DTO class; past it the one used longest ago goes first (a Map keeps insertion order). */
const MAX_ENTRIES = 256;

/**
 * Marks a DTO that callers send over and over with the same values (a service asking which model
 * an operation should use, a dashboard polling a list): the API's pipe may answer a body or query it
 * validated before from memory. Only for a DTO whose rules and transforms depend on the input alone
 * (no clock, no I/O), as class-validator's built-in rules do, and that returns no shared constant
 * from a transform: the DTO it hands out is frozen, shared by requests. A subclass is marked only
 * by its own decorator.
 */
export function RepeatedInput(): ClassDecorator {
  return (target) => Reflect.defineMetadata(REPEATED_INPUT, true, target);
}

/**
 * `value` as JSON when that text tells it apart from every other input: not when it holds a number
 * JSON cannot write as itself (1e400 parses to Infinity, which is written as null; -0 as 0).
 */
function exactJson(value: unknown): string | undefined {
  let exact = true;
  const json = JSON.stringify(value, (_key, nested: unknown) => {
    if (typeof nested === 'number' && (!Number.isFinite(nested) || Object.is(nested, -0))) exact = false;
    return nested;
  });
  return exact ? json : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}

/**
 * The DTOs the pipe built from inputs of RepeatedInput classes, by class and input. class-validator
 * and class-transformer walk every rule and property of a class on each call (about 10 µs for
 * `POST /api/models/select`, a sixth of the request); a repeated input costs one JSON.stringify and
 * a lookup instead. Only valid inputs are kept: a refused one is checked again, and says why again.
 */
export class RepeatedInputs {
  private readonly byClass = new WeakMap<object, Map<string, object>>();
  /** Whether each class is a RepeatedInput: reflect-metadata's lookup walks the class chain every time. */
  private readonly marked = new WeakMap<object, boolean>();

  /** The key of `value` as the pipe receives it for `metadata`, or undefined when it is not to be kept. */
  keyOf(value: unknown, metadata: ArgumentMetadata): string | undefined {
    const metatype = metadata.metatype;
    if (!metatype || (metadata.type !== 'body' && metadata.type !== 'query')) return undefined;
    let marked = this.marked.get(metatype);
    if (marked === undefined) this.marked.set(metatype, (marked = Reflect.getOwnMetadata(REPEATED_INPUT, metatype) === true));
    if (!marked) return undefined;
    const json = exactJson(value);
    if (json === undefined || json.length > MAX_KEY_LENGTH) return undefined;
    return `${metadata.type}:${metadata.data ?? ''}:${json}`;
  }

  get(metadata: ArgumentMetadata, key: string): object | undefined {
    const entries = this.byClass.get(metadata.metatype!);
    const dto = entries?.get(key);
    if (dto !== undefined) {
      // Used now: last to go.
      entries!.delete(key);
      entries!.set(key, dto);
    }
    return dto;
  }

  /** Keeps `dto` (frozen: requests share it) and gives it back. */
  keep<T>(metadata: ArgumentMetadata, key: string, dto: T): T {
    if (typeof dto !== 'object' || dto === null) return dto;
    let entries = this.byClass.get(metadata.metatype!);
    if (!entries) this.byClass.set(metadata.metatype!, (entries = new Map()));
    if (!entries.has(key) && entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    entries.set(key, deepFreeze(dto));
    return dto;
  }
}
