import { ArgumentMetadata, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { nestsDeeperThan } from '../../common/json-guard/json-depth';
import { storableTextProblem } from '../../common/json-guard/text-rules';
import { memoizeValidationMetadata } from '../../common/validation-metadata-cache';
import type { ApiFieldError } from './api-envelope';
import { InvalidRequestError } from './invalid-request.error';
import { RepeatedInputs } from './repeated-inputs';

function flatten(errors: ValidationError[], parent = ''): ApiFieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, text]) => ({
      field,
      rule,
      // Never the value: it may be a secret (apiKey) or junk meant for a log line.
      message: text.replace(/^property \S+ /, `${field} `),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * How deep a body may nest objects and arrays. The deepest legitimate body is a PATCH whose UI JSON
 * nests its own 4 levels (UI_JSON_LIMITS.maxDepth) one level down; past this bound a body is refused
 * before the recursive checks below and class-transformer could overflow the stack on it.
 */
export const MAX_BODY_DEPTH = 16;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function forbiddenKeyPath(value: unknown, path: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return at;
    const nested = forbiddenKeyPath((value as Record<string, unknown>)[key], at);
    if (nested) return nested;
  }
  return null;
}

/** The first query or path input PostgreSQL could not take as text (a NUL, a lone surrogate), by name, and why. */
function unstorableInput(value: unknown, name: string | undefined): { field: string; problem: string } | null {
  const entries: Array<[string, unknown]> =
    typeof value === 'string' ? [[name ?? 'value', value]] : isRecord(value) ? Object.entries(value) : [];
  for (const [field, item] of entries) {
    for (const one of Array.isArray(item) ? item : [item]) {
      const problem = typeof one === 'string' ? storableTextProblem(one) : undefined;
      if (problem) return { field, problem };
    }
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Nest's ValidationPipe as the API runs it. Validates synchronously: no rule of our DTOs is
 * asynchronous, and class-validator's asynchronous run makes promises per property and rule, each of
 * which costs more while a request context (AsyncLocalStorage) is active. Skips the walks over the
 * value that Nest's pipe makes for inputs the API never receives (sparse arrays, binary values).
 */
class SyncValidationPipe extends ValidationPipe {
  protected override validate(object: object, validatorOptions?: ValidatorOptions): ValidationError[] {
    return validateSync(object, validatorOptions);
  }

  /** No-op: parsed JSON and Fastify's query strings never have gaps in their arrays. */
  protected override closeArrayGaps(): void {}

  /** None: only parsed JSON, query strings and path parameters reach this pipe, never binary values. */
  protected override findNestedBinaryValues(): ValidationError[] {
    return [];
  }
}

/**
 * Refuses a query or path input PostgreSQL cannot take (a filter would reach the database with it), and a body
 * nested past MAX_BODY_DEPTH, then prototype-polluting keys, before class-transformer
 * copies it (the copy silently drops such keys, which would turn `{"__proto__": …}` into an empty
 * object that then overwrites data). Answers an input of a RepeatedInput DTO it validated before from
 * memory, synchronously: no promise of its own either (Nest awaits whatever a pipe returns).
 */
class ApiValidationPipe implements PipeTransform {
  private readonly repeated = new RepeatedInputs();

  constructor(private readonly validation: SyncValidationPipe) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body') {
      if (nestsDeeperThan(value, MAX_BODY_DEPTH)) {
        const message = `body must not nest objects and arrays more than ${MAX_BODY_DEPTH} levels deep`;
        throw new InvalidRequestError([{ field: 'body', rule: 'max-depth', message }]);
      }
      const path = forbiddenKeyPath(value, '');
      if (path) throw new InvalidRequestError([{ field: path, rule: 'forbidden-key', message: `${path} is not an allowed key` }]);
    } else if (metadata.type === 'query' || metadata.type === 'param') {
      const unstorable = unstorableInput(value, metadata.data);
      if (unstorable) {
        const { field, problem } = unstorable;
        throw new InvalidRequestError([{ field, rule: 'storable-text', message: `${field} ${problem}` }]);
      }
    }
    const key = this.repeated.keyOf(value, metadata);
    if (key === undefined) return this.validation.transform(value, metadata);
    return (
      this.repeated.get(metadata, key) ?? this.validation.transform(value, metadata).then((dto) => this.repeated.keep(metadata, key, dto))
    );
  }
}

/**
 * The API's one ValidationPipe: unknown fields are refused (not silently dropped), values are
 * converted to the DTO's types, and a failure becomes InvalidRequestError, which the exception filter
 * answers with 400 and every field and rule.
 */
export function apiValidationPipe(): PipeTransform {
  memoizeValidationMetadata();
  const validation = new SyncValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestError(flatten(errors)),
  });
  return new ApiValidationPipe(validation);
}
