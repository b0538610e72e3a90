import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { SPEND_GROUPS, SpendGroup } from '../../../registry';
import { OptionalNotNull } from '../dto-rules/presence';

export class UsageQueryDto {
  @ApiPropertyOptional({
    description:
      `Comma-separated, any of ${SPEND_GROUPS.join(', ')} (default provider). ` +
      "`key`: per consumer key (the gateway's callers), each row with the key's `keyId` and `keyName`; usage without a key is keyId '0', keyName ''",
    example: 'key,model',
    type: String,
  })
  @OptionalNotNull()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value))
  @IsArray({ message: 'groupBy must be a comma-separated list' })
  @ArrayMaxSize(SPEND_GROUPS.length, { message: `groupBy must list at most ${SPEND_GROUPS.length} groupings` })
  @IsIn(SPEND_GROUPS, { each: true, message: `groupBy must list some of ${SPEND_GROUPS.join(', ')}` })
  groupBy?: SpendGroup[];

  @ApiPropertyOptional({ description: 'First UTC day, YYYY-MM-DD (default: the first of this month)', example: '2026-12-01' })
  @OptionalNotNull()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last UTC day, YYYY-MM-DD, inclusive (default: today)', example: '2026-12-31' })
  @OptionalNotNull()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ description: 'Only this provider' })
  @OptionalNotNull()
  @IsString({ message: 'provider must be a string' })
  @MaxLength(255, { message: 'provider must be at most 255 characters' })
  provider?: string;
}
