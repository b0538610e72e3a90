import type * as Undici from 'undici';

let undici: typeof Undici | undefined;

/**
 * undici, required where a request is first made rather than when the registry loads: ~110 modules
 * that a process which never calls out (the CLI listing providers) would load for nothing.
 */
export function loadUndici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (undici ??= require('undici') as typeof Undici);
}
