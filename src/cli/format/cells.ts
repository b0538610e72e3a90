import type { Colors } from 'picocolors/types';
import type { HealthStatus } from '../../registry';

/** A timestamp as operators read it in a table: UTC to the second, `-` for none. */
export function formatTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? '-' : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function formatMs(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${Math.round(value)} ms`;
}

export function yesNo(value: boolean | undefined): string {
  return value === undefined ? '-' : value ? 'yes' : 'no';
}

/** The status in words (never colour alone), coloured when the terminal takes colour. */
export function healthCell(status: HealthStatus, colors: Colors): string {
  switch (status) {
    case 'healthy':
      return colors.green(status);
    case 'degraded':
      return colors.yellow(status);
    case 'unhealthy':
      return colors.red(status);
    default:
      return colors.dim(status);
  }
}
