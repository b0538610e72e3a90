import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CALL_OUTCOMES, CallOutcome, MAX_BATCH_RECORDS, MAX_RECORD_AMOUNT } from '../../../registry';
import { OptionalNotNull } from '../dto-rules/presence';
import { IsBigintId } from '../dto-rules/values';

export class UsageRecordDto {
  @ApiProperty({ description: 'The provider slug the usage was with.' })
  @IsString({ message: 'provider must be a string' })
  @MaxLength(255, { message: 'provider must be at most 255 characters' })
  provider: string;

  @ApiPropertyOptional({ description: "The credential's id (as the credential routes show it): its counters and tokens go up too." })
  @OptionalNotNull()
  @IsBigintId()
  credentialId?: string;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 0, maximum: MAX_RECORD_AMOUNT })
  @OptionalNotNull()
  @IsInt({ message: 'requests must be an integer' })
  @Min(0, { message: 'requests must be at least 0' })
  @Max(MAX_RECORD_AMOUNT, { message: `requests must be at most ${MAX_RECORD_AMOUNT}` })
  requests?: number;

  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0, maximum: MAX_RECORD_AMOUNT })
  @OptionalNotNull()
  @IsInt({ message: 'inputTokens must be an integer' })
  @Min(0, { message: 'inputTokens must be at least 0' })
  @Max(MAX_RECORD_AMOUNT, { message: `inputTokens must be at most ${MAX_RECORD_AMOUNT}` })
  inputTokens?: number;

  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0, maximum: MAX_RECORD_AMOUNT })
  @OptionalNotNull()
  @IsInt({ message: 'outputTokens must be an integer' })
  @Min(0, { message: 'outputTokens must be at least 0' })
  @Max(MAX_RECORD_AMOUNT, { message: `outputTokens must be at most ${MAX_RECORD_AMOUNT}` })
  outputTokens?: number;

  @ApiPropertyOptional({ description: 'The model called: spend is priced from the catalog per model, and outcomes are kept per model.' })
  @OptionalNotNull()
  @IsString({ message: 'model must be a string' })
  @MaxLength(200, { message: 'model must be at most 200 characters' })
  model?: string;

  @ApiPropertyOptional({
    enum: CALL_OUTCOMES,
    description: "How the call ended: passive health trips a provider's circuit on too many failures.",
  })
  @OptionalNotNull()
  @IsIn(CALL_OUTCOMES, { message: `outcome must be one of ${CALL_OUTCOMES.join(', ')}` })
  outcome?: CallOutcome;

  @ApiPropertyOptional({ minimum: 0, maximum: 86_400_000, description: 'How long the call took, in milliseconds.' })
  @OptionalNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latencyMs must be a number' })
  @Min(0, { message: 'latencyMs must be at least 0' })
  @Max(86_400_000, { message: 'latencyMs must be at most 86400000' })
  latencyMs?: number;
}

export class RecordUsageDto {
  @ApiProperty({ type: [UsageRecordDto], minItems: 1, maxItems: MAX_BATCH_RECORDS })
  @IsArray({ message: 'records must be an array' })
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_BATCH_RECORDS, { message: `records must hold at most ${MAX_BATCH_RECORDS} records` })
  @IsObject({ each: true, message: 'each of records must be a JSON object' })
  @ValidateNested({ each: true })
  @Type(() => UsageRecordDto)
  records: UsageRecordDto[];
}
