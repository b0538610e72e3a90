import { Logger } from '@nestjs/common';
import type { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { AppLogger } from './app-logger';

describe(AppLogger.name, () => {
  it("writes Nest's start-up lines at debug, and every other line at the level it was logged", () => {
    const lines: Array<{ level: number; context: string; msg: string }> = [];
    const root = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    Logger.overrideLogger(new AppLogger(root as unknown as PinoLogger, {}));
    try {
      // As Nest and the registry call it: through Nest's Logger, its context last.
      new Logger('InstanceLoader').log('AppModule dependencies initialized');
      new Logger('RoutesResolver').log('ProvidersController {/api/providers}:');
      new Logger('RouterExplorer').log('Mapped {/api/providers, GET} route');
      new Logger('NestApplication').log('Nest application successfully started');
      new Logger('NestApplication').error('Nest cannot create the app');
      new Logger('Bootstrap').log('Listening on http://127.0.0.1:3000');
      new Logger('KeyRing').warn('No CREDENTIALS_KEYS set: generated a credentials key');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines.map(({ level, context }) => [level, context])).toEqual([
      [20, 'InstanceLoader'],
      [20, 'RoutesResolver'],
      [20, 'RouterExplorer'],
      [20, 'NestApplication'],
      [50, 'NestApplication'],
      [30, 'Bootstrap'],
      [40, 'KeyRing'],
    ]);
    expect(lines[2].msg).toBe('Mapped {/api/providers, GET} route');
  });
});
