import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { HEALTH_WINDOWS, type HealthWindow } from '../../../registry';
import { OptionalNotNull } from '../dto-rules/presence';

export class HealthWindowQueryDto {
  @ApiPropertyOptional({
    enum: HEALTH_WINDOWS,
    description:
      'Adds `window`: the checks of the last 24 h or 7 d in time buckets (uptime %, latency), and the failed ones with their reasons.',
  })
  @OptionalNotNull()
  @IsIn(HEALTH_WINDOWS, { message: `window must be one of ${HEALTH_WINDOWS.join(', ')}` })
  window?: HealthWindow;
}
