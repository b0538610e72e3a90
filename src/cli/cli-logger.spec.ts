import { Logger } from '@nestjs/common';
import { CliLogger } from './cli-logger';

describe(CliLogger.name, () => {
  it('passes on the warnings given while the registry opens, as plain text, and nothing else', () => {
    const lines: string[] = [];
    const logger = new CliLogger((line) => lines.push(line));
    logger.log('Nest application successfully started', 'NestApplication');
    logger.error('Query failed: connect ECONNREFUSED 127.0.0.1:37425 — SELECT 1', undefined, 'TypeORM');
    logger.warn('No CREDENTIALS_KEYS set: generated a credentials key', undefined, 'KeyRing');
    logger.warn({ health: { provider: 'openai' } }, 'Health of openai: healthy → unhealthy', 'HealthService');
    expect(lines).toEqual(['No CREDENTIALS_KEYS set: generated a credentials key', 'Health of openai: healthy → unhealthy']);
  });

  it('is silent once the registry is open: a server stopping under a command leaves no lines', () => {
    const lines: string[] = [];
    const logger = new CliLogger((line) => lines.push(line));
    logger.opened();
    logger.warn('Change listener connection lost (Connection terminated unexpectedly); reconnecting', undefined, 'PostgresCoordination');
    logger.error('Query failed: Connection terminated unexpectedly — UPDATE provider_configs SET …', undefined, 'TypeORM');
    expect(lines).toEqual([]);
  });

  it('takes the calls Nest’s Logger makes through it', () => {
    const lines: string[] = [];
    const cli = new CliLogger((line) => lines.push(line));
    const logger = new Logger('KeyRing');
    Logger.overrideLogger(cli);
    try {
      logger.warn('a key id is missing from the ring');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines).toEqual(['a key id is missing from the ring']);
  });
});
