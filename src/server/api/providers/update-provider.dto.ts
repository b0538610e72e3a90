import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsString, Max, MaxLength, Min } from 'class-validator';
import { BUDGET_WINDOWS, type BudgetWindow } from '../../../registry';
import { OptionalNotNull, OptionalNullable } from '../dto-rules/presence';
import { MaxDecimals } from '../dto-rules/values';

export class UpdateProviderDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 255,
    description: "The operator's name for it; null returns to the catalog name.",
  })
  @OptionalNullable()
  @IsString({ message: 'displayName must be a string' })
  @MaxLength(255, { message: 'displayName must be at most 255 characters' })
  displayName?: string | null;

  @ApiPropertyOptional({ description: 'Operator intent.' })
  @OptionalNotNull()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 1_000_000,
    nullable: true,
    description: 'Lower is preferred; null returns to the catalog priority.',
  })
  @OptionalNullable()
  @IsInt({ message: 'priority must be an integer' })
  @Min(0, { message: 'priority must be at least 0' })
  @Max(1_000_000, { message: 'priority must be at most 1000000' })
  priority?: number | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Free JSON for the frontend (no secrets).' })
  @OptionalNotNull()
  @IsObject({ message: 'uiPreferences must be a JSON object' })
  uiPreferences?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0.0001,
    description:
      'Spend limit in USD per budgetWindow (from catalog prices); at it the provider is unavailable (budget_exhausted) until the window ends. null removes it.',
  })
  @OptionalNullable()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'budgetUsd must be a number of USD with at most 4 decimals' })
  @MaxDecimals(4, 'budgetUsd must be a number of USD with at most 4 decimals')
  @Min(0.0001, { message: 'budgetUsd must be above 0 (null removes the budget)' })
  @Max(9_999_999_999, { message: 'budgetUsd must be at most 9999999999' })
  budgetUsd?: number | null;

  @ApiPropertyOptional({
    enum: BUDGET_WINDOWS,
    description: 'The budget resets at the start of each UTC day or calendar month (default month).',
  })
  @OptionalNotNull()
  @IsIn(BUDGET_WINDOWS, { message: `budgetWindow must be one of ${BUDGET_WINDOWS.join(', ')}` })
  budgetWindow?: BudgetWindow;

  @ApiPropertyOptional({
    minimum: 0.01,
    maximum: 1,
    description: 'Share of the budget at which a warning is logged, once per window (default 0.8).',
  })
  @OptionalNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'budgetWarnAt must be a number' })
  @Min(0.01, { message: 'budgetWarnAt must be at least 0.01' })
  @Max(1, { message: 'budgetWarnAt must be at most 1' })
  budgetWarnAt?: number;
}
