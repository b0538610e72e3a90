import { Logger } from '@nestjs/common';
import { format } from 'node:util';

const LEVELS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const;

export interface LogCapture {
  /** Every captured line, `level: message and params` (Error objects with their stack). */
  readonly lines: string[];
  /** Lines that contain any of `secrets` (whole value), for a readable failure message. */
  linesContaining(secrets: readonly string[]): string[];
  restore(): void;
}

/** Whether captured output is also printed (TEST_LOGS=1); otherwise it is only recorded, and the run stays quiet. */
const PRINT = Boolean(process.env.TEST_LOGS);

/**
 * Records everything the code under test logs, whatever the app's logger setting: every Nest Logger
 * call (instance and static, captured before Nest decides whether to print it), and everything
 * written to stdout/stderr or through console.* meanwhile. Nest Logger calls still go through (Nest
 * prints them when TEST_LOGS=1); the streams and the console print only with TEST_LOGS=1.
 */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const record = (level: string, args: unknown[]) =>
    lines.push(
      `${level}: ${args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : typeof a === 'string' ? a : format('%o', a))).join(' ')}`,
    );
  const spies: jest.SpyInstance[] = [];

  for (const level of LEVELS) {
    const original = Logger.prototype[level];
    spies.push(
      jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
        record(level, args);
        return (original as (...a: unknown[]) => void).apply(this, args);
      }),
    );
    const originalStatic = Logger[level];
    spies.push(
      jest.spyOn(Logger, level).mockImplementation((...args: unknown[]) => {
        record(`static ${level}`, args);
        return (originalStatic as (...a: unknown[]) => void).apply(Logger, args);
      }),
    );
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    const name = stream === process.stdout ? 'stdout' : 'stderr';
    spies.push(
      jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        record(name, [Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)]);
        if (PRINT) return original(chunk, ...rest);
        // Not printed, but a writer waiting for its callback (write(chunk, [encoding], cb)) still gets it.
        const done = rest.find((arg): arg is () => void => typeof arg === 'function');
        if (done) process.nextTick(done);
        return true;
      }) as typeof stream.write),
    );
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    spies.push(
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        record(`console.${method}`, args);
        if (PRINT) original(...args);
      }),
    );
  }

  return {
    lines,
    linesContaining: (secrets) => lines.filter((line) => secrets.some((secret) => line.includes(secret))),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
