import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { MODEL_TYPES, type ModelType } from '../../../registry';
import { RepeatedInput } from '../../http/repeated-inputs';
import { NestedObject, OptionalNotNull } from '../dto-rules/presence';

export class ModelPreferenceDto {
  @ApiProperty()
  @IsString({ message: 'provider must be a string' })
  @MaxLength(63, { message: 'provider must be at most 63 characters' })
  provider: string;

  @ApiPropertyOptional({ description: "Without it: the provider's first model of the requested type." })
  @OptionalNotNull()
  @IsString({ message: 'model must be a string' })
  @MaxLength(200, { message: 'model must be at most 200 characters' })
  model?: string;
}

/** Sent with the same values call after call by a service choosing its model. */
@RepeatedInput()
export class SelectModelDto {
  @ApiProperty({ enum: MODEL_TYPES })
  @IsIn(MODEL_TYPES, { message: `modelType must be one of ${MODEL_TYPES.join(', ')}` })
  modelType: ModelType;

  @ApiPropertyOptional({ description: 'An operation declared in the catalog (its override applies).' })
  @OptionalNotNull()
  @IsString({ message: 'operation must be a string' })
  @MaxLength(100, { message: 'operation must be at most 100 characters' })
  operation?: string;

  @ApiPropertyOptional({ type: ModelPreferenceDto })
  @OptionalNotNull()
  @NestedObject(() => ModelPreferenceDto)
  commandOverride?: ModelPreferenceDto;

  @ApiPropertyOptional({ type: ModelPreferenceDto })
  @OptionalNotNull()
  @NestedObject(() => ModelPreferenceDto)
  projectPreference?: ModelPreferenceDto;

  @ApiPropertyOptional({ type: ModelPreferenceDto })
  @OptionalNotNull()
  @NestedObject(() => ModelPreferenceDto)
  vaultPreference?: ModelPreferenceDto;
}

@RepeatedInput()
export class ModelTypeQueryDto {
  @ApiPropertyOptional({ enum: MODEL_TYPES })
  @OptionalNotNull()
  @IsIn(MODEL_TYPES, { message: `type must be one of ${MODEL_TYPES.join(', ')}` })
  type?: ModelType;
}
