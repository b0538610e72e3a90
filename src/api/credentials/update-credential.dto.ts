import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

export class UpdateCredentialDto {
  @ApiPropertyOptional({ writeOnly: true, description: 'A new secret (write-only, never returned).' })
  @IsOptional()
  @IsString({ message: 'apiKey must be a string' })
  @MaxLength(8192, { message: 'apiKey must be at most 8192 characters' })
  apiKey?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject({ message: 'uiMetadata must be a JSON object' })
  uiMetadata?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'isActive must be true or false' })
  isActive?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null: never expires.' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time or null' })
  expiresAt?: Date | null;
}
