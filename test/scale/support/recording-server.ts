/**
 * The real server (src/main.ts) with a steady stream of buffered usage, as requests recording
 * through UsageService.record() would make: every TICK_MS it records `argv[2]` requests for
 * `argv[3]` and prints `recorded <total>` in the same synchronous step, so a kill -9 can never fall
 * between a record and its line. Each flush that returns prints `flushed <total recorded when it
 * began>`. Run it with startInstance({ entry }); the test signals the process and reads the database.
 */
import { NestApplication } from '@nestjs/core';
import { UsageFlusher } from '../../../src/registry/usage/usage-flusher.service';
import { UsageService } from '../../../src/registry/usage/usage.service';

const TICK_MS = 10;
const perTick = Number(process.argv[2]);
const provider = process.argv[3] ?? 'openai';
let total = 0;

// Scheduled and shutdown flushes are UsageFlusher's (UsageService.flush() only hands over to it).
const flush = UsageFlusher.prototype.flush;
UsageFlusher.prototype.flush = function (this: UsageFlusher) {
  const before = total;
  const run = flush.call(this);
  run.then(
    () => process.stdout.write(`flushed ${before}\n`),
    () => undefined,
  );
  return run;
};

const listen = NestApplication.prototype.listen;
NestApplication.prototype.listen = async function (this: NestApplication, port: string | number, hostname: string) {
  const server: unknown = await listen.call(this, port, hostname);
  const usage = this.get(UsageService);
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) usage.record(provider);
    total += perTick;
    process.stdout.write(`recorded ${total}\n`);
  }, TICK_MS);
  // Nothing is recorded once shutdown begins (the server stops taking requests first, too).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.prependListener(signal, () => clearInterval(timer));
  return server;
} as typeof listen;

// Loaded after the patches above: main.ts boots as soon as it is loaded.
void import('../../../src/main');
