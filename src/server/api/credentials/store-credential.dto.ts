import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsString, MaxLength } from 'class-validator';
import { OptionalNotNull } from '../dto-rules/presence';
import { IsDateTime } from '../dto-rules/values';

export class StoreCredentialDto {
  @ApiPropertyOptional({
    writeOnly: true,
    description: 'The secret, required unless the provider takes none (ollama). Never returned: answers show only its mask.',
  })
  @OptionalNotNull()
  @IsString({ message: 'apiKey must be a string' })
  @MaxLength(8192, { message: 'apiKey must be at most 8192 characters' })
  apiKey?: string;

  @ApiPropertyOptional({ default: 'api_key' })
  @OptionalNotNull()
  @IsString({ message: 'credentialType must be a string' })
  credentialType?: string;

  @ApiPropertyOptional({ description: 'Where this key may be sent; bound to the key (changing it means storing the key again).' })
  @OptionalNotNull()
  @IsString({ message: 'baseUrl must be a URL string' })
  @MaxLength(2048, { message: 'baseUrl must be at most 2048 characters' })
  baseUrl?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @OptionalNotNull()
  @IsDateTime()
  expiresAt?: Date;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean({ message: 'isActive must be true or false' })
  isActive?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @OptionalNotNull()
  @IsObject({ message: 'uiMetadata must be a JSON object' })
  uiMetadata?: Record<string, unknown>;
}
