import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class StoreCredentialDto {
  @ApiProperty({ writeOnly: true, description: 'The secret. Never returned: answers show only its mask.' })
  @IsOptional()
  @IsString({ message: 'apiKey must be a string' })
  @MaxLength(8192, { message: 'apiKey must be at most 8192 characters' })
  apiKey?: string;

  @ApiPropertyOptional({ default: 'api_key' })
  @IsOptional()
  @IsString({ message: 'credentialType must be a string' })
  credentialType?: string;

  @ApiPropertyOptional({ description: 'Where this key may be sent; bound to the key (changing it means storing the key again).' })
  @IsOptional()
  @IsString({ message: 'baseUrl must be a URL string' })
  @MaxLength(2048, { message: 'baseUrl must be at most 2048 characters' })
  baseUrl?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'isActive must be true or false' })
  isActive?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject({ message: 'uiMetadata must be a JSON object' })
  uiMetadata?: Record<string, unknown>;
}
