import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export const PROMTOOL = '/usr/bin/promtool';

/**
 * it() when promtool is installed; otherwise the test is reported as skipped, the reason in its name,
 * except in CI, where a missing promtool is an error (.ci/run installs Debian's prometheus package).
 */
export function itWithPromtool(name: string, fn: jest.ProvidesCallback): void {
  if (fs.existsSync(PROMTOOL) || process.env.CI) it(name, fn);
  else it.skip(`${name} (skipped: ${PROMTOOL} is not installed; apt-get install prometheus)`, fn);
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments left out). */
export function parseExposition(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) return [];
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    return [{ name: match[1], labels, value: Number(match[3]) }];
  });
}

/** The sum of a metric's samples whose labels include `labels`. */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** `promtool check metrics` (Debian's prometheus package) on an exposition: its exit code and what it said. */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
