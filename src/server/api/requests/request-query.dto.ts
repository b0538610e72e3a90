import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { REQUEST_RESULTS, type RequestResult } from '../../../registry';
import { PageQueryDto } from '../page-query.dto';
import { OptionalNotNull } from '../dto-rules/presence';
import { IsDateTime } from '../dto-rules/values';

/** Filters of the gateway's request log; each optional, all of them must hold. */
export class RequestQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Only calls made with this consumer key: its id (digits) or its name (as GET /api/keys lists them).',
  })
  @OptionalNotNull()
  @IsString({ message: 'key must be a string' })
  @MaxLength(100, { message: 'key must be at most 100 characters' })
  key?: string;

  @ApiPropertyOptional({ description: 'Only calls this provider answered (its slug).' })
  @OptionalNotNull()
  @IsString({ message: 'provider must be a string' })
  @MaxLength(63, { message: 'provider must be at most 63 characters' })
  provider?: string;

  @ApiPropertyOptional({ description: "Only calls this model answered (the provider's model id, e.g. gpt-4o-mini)." })
  @OptionalNotNull()
  @IsString({ message: 'model must be a string' })
  @MaxLength(200, { message: 'model must be at most 200 characters' })
  model?: string;

  @ApiPropertyOptional({ enum: REQUEST_RESULTS, description: 'How the call ended.' })
  @OptionalNotNull()
  @IsIn(REQUEST_RESULTS, { message: `result must be one of ${REQUEST_RESULTS.join(', ')}` })
  result?: RequestResult;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 100,
    maximum: 599,
    description: 'Only calls the upstream answered with this HTTP status.',
  })
  @OptionalNotNull()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'status must be an HTTP status (an integer from 100 to 599)' })
  @Min(100, { message: 'status must be an HTTP status (an integer from 100 to 599)' })
  @Max(599, { message: 'status must be an HTTP status (an integer from 100 to 599)' })
  status?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Only calls started at or after this ISO 8601 time.' })
  @OptionalNotNull()
  @IsDateTime()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Only calls started before this ISO 8601 time.' })
  @OptionalNotNull()
  @IsDateTime()
  to?: Date;
}
