import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../page-query.dto';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, MaxLength } from 'class-validator';
import { HEALTH_STATUSES, MODEL_TYPES, type HealthStatus, type ModelType } from '../../../registry';
import { RepeatedInput } from '../../http/repeated-inputs';
import { OptionalNotNull } from '../dto-rules/presence';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** The console's and dashboards' poll: the same query again and again. */
@RepeatedInput()
export class ProviderQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only providers the operator has switched on (true) or off (false).' })
  @OptionalNotNull()
  @Transform(toBool)
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ enum: HEALTH_STATUSES })
  @OptionalNotNull()
  @IsIn(HEALTH_STATUSES, { message: `health must be one of ${HEALTH_STATUSES.join(', ')}` })
  health?: HealthStatus;

  @ApiPropertyOptional({ description: 'Only providers that can serve now (true) or cannot (false).' })
  @OptionalNotNull()
  @Transform(toBool)
  @IsBoolean({ message: 'available must be true or false' })
  available?: boolean;

  @ApiPropertyOptional({ enum: MODEL_TYPES, description: 'Availability (and the filter) for this model type.' })
  @OptionalNotNull()
  @IsIn(MODEL_TYPES, { message: `modelType must be one of ${MODEL_TYPES.join(', ')}` })
  modelType?: ModelType;

  @ApiPropertyOptional({ maxLength: 100, description: 'Only providers whose slug or display name contains this text (case-insensitive).' })
  @OptionalNotNull()
  @IsString({ message: 'q must be a string' })
  @MaxLength(100, { message: 'q must be at most 100 characters' })
  q?: string;
}
