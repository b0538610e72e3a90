import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../page-query.dto';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { AUDIT_ACTIONS, type AuditAction } from '../../audit/audit-actions';
import { OptionalNotNull } from '../dto-rules/presence';
import { IsDateTime } from '../dto-rules/values';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only events of this provider.' })
  @OptionalNotNull()
  @IsString({ message: 'provider must be a string' })
  @MaxLength(255, { message: 'provider must be at most 255 characters' })
  provider?: string;

  @ApiPropertyOptional({ description: "Only events of this actor: an API token's name, or `database` for writes that named none." })
  @OptionalNotNull()
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,99}$/, { message: 'actor must be an API token name (1-100 of a-z, 0-9, _ . -)' })
  actor?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @OptionalNotNull()
  @IsIn(AUDIT_ACTIONS, { message: 'action must be one of the audit actions (see the OpenAPI enum)' })
  action?: AuditAction;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Only events at or after this ISO 8601 time.' })
  @OptionalNotNull()
  @IsDateTime()
  since?: Date;
}
