import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { OptionalNotNull } from './dto-rules/presence';

/** The paging every list route takes: up to 200 items a page, continued from `meta.nextCursor`. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @OptionalNotNull()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(200, { message: 'limit must be at most 200' })
  limit = 50;

  @ApiPropertyOptional({ description: 'meta.nextCursor of the previous page.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200, { message: 'cursor must be at most 200 characters' })
  cursor?: string;
}
