import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MODEL_TYPES, type ModelType } from '../../providers/catalog/catalog.types';
import type { HealthStatus } from '../../providers/selection/registry-snapshot';

const HEALTH_STATUSES: HealthStatus[] = ['unknown', 'healthy', 'degraded', 'unhealthy'];
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ProviderQueryDto {
  @ApiPropertyOptional({ description: 'Only providers the operator has switched on (true) or off (false).' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ enum: HEALTH_STATUSES })
  @IsOptional()
  @IsIn(HEALTH_STATUSES, { message: `health must be one of ${HEALTH_STATUSES.join(', ')}` })
  health?: HealthStatus;

  @ApiPropertyOptional({ description: 'Only providers that can serve now (true) or cannot (false).' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'available must be true or false' })
  available?: boolean;

  @ApiPropertyOptional({ enum: MODEL_TYPES, description: 'Availability (and the filter) for this model type.' })
  @IsOptional()
  @IsIn(MODEL_TYPES, { message: `modelType must be one of ${MODEL_TYPES.join(', ')}` })
  modelType?: ModelType;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(200, { message: 'limit must be at most 200' })
  limit = 50;

  @ApiPropertyOptional({ description: 'meta.nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'cursor must be at most 200 characters' })
  cursor?: string;
}
