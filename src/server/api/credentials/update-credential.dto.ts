import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsString, MaxLength } from 'class-validator';
import { OptionalNotNull, OptionalNullable } from '../dto-rules/presence';
import { IsDateTime } from '../dto-rules/values';

export class UpdateCredentialDto {
  @ApiPropertyOptional({ writeOnly: true, description: 'A new secret (write-only, never returned).' })
  @OptionalNotNull()
  @IsString({ message: 'apiKey must be a string' })
  @MaxLength(8192, { message: 'apiKey must be at most 8192 characters' })
  apiKey?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @OptionalNotNull()
  @IsObject({ message: 'uiMetadata must be a JSON object' })
  uiMetadata?: Record<string, unknown>;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean({ message: 'isActive must be true or false' })
  isActive?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null: never expires.' })
  @OptionalNullable()
  @IsDateTime()
  expiresAt?: Date | null;
}
