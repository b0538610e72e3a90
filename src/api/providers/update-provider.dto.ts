import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

export class UpdateProviderDto {
  @ApiPropertyOptional({ nullable: true, maxLength: 255, description: "The operator's name for it; null returns to the catalog name." })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString({ message: 'displayName must be a string' })
  @MaxLength(255, { message: 'displayName must be at most 255 characters' })
  displayName?: string | null;

  @ApiPropertyOptional({ description: 'Operator intent.' })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1_000_000,
    nullable: true,
    description: 'Lower is preferred; null returns to the catalog priority.',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt({ message: 'priority must be an integer' })
  @Min(0, { message: 'priority must be at least 0' })
  @Max(1_000_000, { message: 'priority must be at most 1000000' })
  priority?: number | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Free JSON for the frontend (no secrets).' })
  @IsOptional()
  @IsObject({ message: 'uiPreferences must be a JSON object' })
  uiPreferences?: Record<string, unknown>;
}
