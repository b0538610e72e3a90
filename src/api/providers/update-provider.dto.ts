import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, Max, Min, ValidateIf } from 'class-validator';

export class UpdateProviderDto {
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
