import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { isBigintId } from '../../../common/bigint-id';
import { parseDateTime } from '../../../common/date-time';

/**
 * A date-time given as `YYYY-MM-DD[THH:MM[:SS[.fff]][Z|±HH:MM]]`, handed on as a valid Date. Not
 * IsISO8601 (it passes week dates that become an invalid Date) nor `@Type(() => Date)` (it turns
 * `true` or `0` into 1970).
 */
export function IsDateTime(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseDateTime(value) ?? value) : value)),
    ValidateBy({
      name: 'isDateTime',
      validator: {
        validate: (value: unknown) => value instanceof Date,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an ISO 8601 calendar date-time (YYYY-MM-DDTHH:MM:SSZ)`,
      },
    }),
  );
}

/** An id the database keeps as bigint, as a string of digits (ids outgrow a JavaScript number). */
export function IsBigintId(): PropertyDecorator {
  return ValidateBy({
    name: 'isBigintId',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isBigintId(value),
      defaultMessage: (args) => `${args?.property ?? 'value'} must be an id: a string of digits, at most 9223372036854775807`,
    },
  });
}

/**
 * A number with at most `decimals` decimals (an amount of USD to the 1/10,000th); whether it is a
 * finite number at all is IsNumber's to say. Not IsNumber's maxDecimalPlaces: it reads them off
 * String(value), which for a small number is in exponent form (1e-7), and fails with a TypeError
 * instead of refusing it.
 */
export function MaxDecimals(decimals: number, message: string): PropertyDecorator {
  return ValidateBy({
    name: 'maxDecimals',
    validator: {
      validate: (value: unknown) => typeof value !== 'number' || !Number.isFinite(value) || Number(value.toFixed(decimals)) === value,
      defaultMessage: () => message,
    },
  });
}
