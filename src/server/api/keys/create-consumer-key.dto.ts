import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, MaxLength } from 'class-validator';
import { MAX_KEY_MODELS } from '../../../registry';
import { OptionalNullable } from '../dto-rules/presence';
import { IsDateTime } from '../dto-rules/values';
import { KeyLimitsDto } from './key-limits.dto';

/** The rules of a name and of each models entry are the service's (ConsumerKeysService): its messages name the field. */
export class CreateConsumerKeyDto extends KeyLimitsDto {
  @ApiProperty({ description: 'Unique, for logs, usage and the audit trail: 1-100 of a-z, 0-9, _ . -, not all digits.', maxLength: 100 })
  @IsString({ message: 'name must be a string' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name: string;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    maxItems: MAX_KEY_MODELS,
    description: 'The provider/model entries the key may call (e.g. openai/gpt-4o-mini); left out or null: every model.',
  })
  @OptionalNullable()
  @IsArray({ message: 'models must be a list of provider/model strings, or null for every model' })
  @ArrayMaxSize(MAX_KEY_MODELS, { message: `models must list at most ${MAX_KEY_MODELS} entries` })
  @IsString({ each: true, message: 'models must hold only provider/model strings' })
  models?: string[] | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'In the future; left out or null: never expires.',
  })
  @OptionalNullable()
  @IsDateTime()
  expiresAt?: Date | null;
}
