/**
 * The real server (src/main.ts) with traffic it has no endpoint for yet: once the app listens, it
 * records `argv[2]` usage records for each provider named in `argv[3]` (comma-separated), as requests
 * would, and prints "recorded N usage records". Run it with runEntry(); the test then signals the process
 * and reads the database.
 */
import { NestApplication } from '@nestjs/core';
import { UsageService } from '../../src/registry/usage/usage.service';

const records = Number(process.argv[2]);
const providers = (process.argv[3] ?? 'openai').split(',');
const listen = NestApplication.prototype.listen;
NestApplication.prototype.listen = async function (this: NestApplication, port: string | number, hostname: string) {
  const server: unknown = await listen.call(this, port, hostname);
  const usage = this.get(UsageService);
  for (let i = 0; i < records; i++) for (const provider of providers) usage.record(provider, { inputTokens: 2 });
  process.stdout.write(`recorded ${records * providers.length} usage records\n`);
  return server;
} as typeof listen;

// Loaded after the patch above: main.ts boots as soon as it is loaded.
void import('../../src/main');
