'use strict';
/**
 * Preloaded into our server by `npm run bench -- gateway`, beside count-pg-queries.cjs: on SIGWINCH it
 * runs a full garbage collection, waits SETTLE_MS, runs another, waits again, and prints the process's
 * memory then on stderr as one line, `bench-memory {"rssMiB":…,"heapUsedMiB":…}`.
 *
 * Memory read without a collection also counts the garbage V8 has not collected yet, which depends on
 * when it last collected, not on what the process keeps: the same server read 102 and 174 MiB of heap
 * in use after 100,000 requests in two runs, and 43 and 43 after a full collection. RSS read right
 * after one still counts the pages V8 is giving back on its own threads: the same server read 209,
 * 263, 253 and 223 MiB at 10,000, 50,000, 100,000 and 150,000 requests at once, and 155, 160, 162
 * and 161 two seconds later. Benchmarks only.
 */
const v8 = require('node:v8');
const vm = require('node:vm');
const { setTimeout } = require('node:timers');

const SETTLE_MS = 1000;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

process.on('SIGWINCH', () => {
  collectGarbage();
  setTimeout(() => {
    collectGarbage();
    setTimeout(() => {
      const { rss, heapUsed } = process.memoryUsage();
      process.stderr.write(`bench-memory ${JSON.stringify({ rssMiB: rss / 2 ** 20, heapUsedMiB: heapUsed / 2 ** 20 })}\n`);
    }, SETTLE_MS);
  }, SETTLE_MS);
});
