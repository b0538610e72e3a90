#!/usr/bin/env node
import './install-deferrals';
import 'reflect-metadata';
import { runCli } from './run-cli';

/** `ai-registry <command>` (the package's bin) and `npm run cli -- <command>`. */
void runCli(process.argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
  // Exit once stdout has drained (a piped --json document is never cut short), without waiting for
  // idle keep-alive sockets a probe may have left open.
  process.stdout.write('', () => process.exit(code));
});
