import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, Max, Min } from 'class-validator';
import { OptionalNotNull, OptionalNullable } from '../dto-rules/presence';
import { MaxDecimals } from '../dto-rules/values';

const MAX_LIMIT = 2_147_483_647;

/**
 * A consumer key's limits as POST /api/keys and PATCH /api/keys/:id take them: left out, unchanged
 * (none at creation); null, removed. Each holds across every instance (see the README's limits section).
 */
export class KeyLimitsDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'Requests per UTC minute; null: no limit.' })
  @OptionalNullable()
  @IsInt({ message: 'rpm must be a whole number' })
  @Min(1, { message: 'rpm must be at least 1 (null removes the limit)' })
  @Max(MAX_LIMIT, { message: `rpm must be at most ${MAX_LIMIT}` })
  rpm?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: 'Tokens (input and output) per UTC minute; null: no limit.',
  })
  @OptionalNullable()
  @IsInt({ message: 'tpm must be a whole number' })
  @Min(1, { message: 'tpm must be at least 1 (null removes the limit)' })
  @Max(MAX_LIMIT, { message: `tpm must be at most ${MAX_LIMIT}` })
  tpm?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'Calls in flight at once; null: no limit.' })
  @OptionalNullable()
  @IsInt({ message: 'maxParallel must be a whole number' })
  @Min(1, { message: 'maxParallel must be at least 1 (null removes the limit)' })
  @Max(MAX_LIMIT, { message: `maxParallel must be at most ${MAX_LIMIT}` })
  maxParallel?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description:
      "Spend limit in USD per budgetWindow at the catalog's prices; a call's worst case is reserved before it runs. null removes it.",
  })
  @OptionalNullable()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'budgetUsd must be a number of USD with at most 4 decimals' })
  @MaxDecimals(4, 'budgetUsd must be a number of USD with at most 4 decimals')
  @Min(0.0001, { message: 'budgetUsd must be above 0 (null removes the budget)' })
  @Max(9_999_999_999, { message: 'budgetUsd must be at most 9999999999' })
  budgetUsd?: number | null;

  @ApiPropertyOptional({
    enum: ['day', 'month'],
    description: 'The budget resets at the start of each UTC day or calendar month (default month).',
  })
  @OptionalNotNull()
  @IsIn(['day', 'month'], { message: 'budgetWindow must be one of day, month' })
  budgetWindow?: 'day' | 'month';

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    maximum: 1,
    description: 'Share of the budget at which a warning is logged, once per window (default 0.8).',
  })
  @OptionalNullable()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'budgetWarnAt must be a number' })
  @Min(0.01, { message: 'budgetWarnAt must be at least 0.01' })
  @Max(1, { message: 'budgetWarnAt must be at most 1' })
  budgetWarnAt?: number | null;
}
