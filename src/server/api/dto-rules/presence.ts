import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';

/*
 * Presence rules for every DTO of the API, instead of class-validator's IsOptional and a bare
 * ValidateNested: IsOptional also lets null through (which services read as a value and fail on),
 * and ValidateNested accepts an array of the nested shape where one object is expected.
 */

const NOT_NULL = ValidateBy({
  name: 'notNull',
  validator: {
    validate: (value: unknown) => value !== null,
    defaultMessage: (args) => `${args?.property ?? 'value'} must not be null (leave it out instead)`,
  },
});

/** May be left out; when present, null included, the field's own rules apply and null is refused. */
export function OptionalNotNull(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_, value) => value !== undefined),
    NOT_NULL,
  );
}

/** May be left out or null (null means "clear it"); any other value must meet the field's own rules. */
export function OptionalNullable(): PropertyDecorator {
  return ValidateIf((_, value) => value !== undefined && value !== null);
}

/** One object of `type`'s shape, validated by its own rules: an array, a string or null is refused. */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsObject({ message: '$property must be a JSON object' }), ValidateNested(), Type(type));
}
