/**
 * describe.skip with the reason in the suite's name and one line on stdout saying why: jest's summary
 * only counts skipped tests, so without the line a missing tool would look like a passing run.
 * `where` is what this run lacks, as the line reads: `skipped "<suite>" <where>: <reason>`.
 */
export function describeSkipped(name: string, where: string, reason: string, fn: () => void): void {
  describe.skip(`${name} (skipped ${where}: ${reason})`, fn);
  process.stdout.write(`skipped "${name}" ${where}: ${reason}\n`);
}
