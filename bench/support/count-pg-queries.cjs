'use strict';
/**
 * Preloaded into our server by `npm run bench -- gateway` (`node -r ./bench/support/count-pg-queries.cjs
 * dist/main.js`): counts every statement the process sends to PostgreSQL — all of them go through
 * node-postgres's Client#query (TypeORM's pool, the LISTEN session, the usage flush), on a real
 * PostgreSQL and on the embedded one alike — by their first keyword and first table. On SIGUSR2 it
 * prints the tally so far on stderr as one line, `bench-pg-queries {"SELECT consumer_keys":3,…}`.
 * Plain CommonJS so the server runs without ts-node in it (its memory is measured too). Benchmarks only.
 */
const { Client } = require('pg');

const counts = Object.create(null);
const TABLE = /\b(?:FROM|INTO|UPDATE|JOIN)\s+"?([\w.]+)"?/i;

/** `INSERT usage_daily`, `BEGIN`, `LISTEN`: enough to tell a flush from a lookup. */
function label(text) {
  const keyword = (/^\s*(\w+)/.exec(text) || [])[1];
  const table = (TABLE.exec(text) || [])[1];
  return [keyword ? keyword.toUpperCase() : '?', table].filter(Boolean).join(' ');
}

const query = Client.prototype.query;
Client.prototype.query = function countedQuery(config, ...rest) {
  const text = typeof config === 'string' ? config : config && config.text;
  if (typeof text === 'string') {
    const key = label(text);
    counts[key] = (counts[key] || 0) + 1;
  }
  return query.call(this, config, ...rest);
};

process.on('SIGUSR2', () => process.stderr.write(`bench-pg-queries ${JSON.stringify(counts)}\n`));
