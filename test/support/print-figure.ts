/**
 * A measured figure printed on its own line (jest prints console.log with a "● Console" header and
 * a source location around it); read from the run's output and quoted in notes and the README.
 */
export function printFigure(line: string): void {
  process.stdout.write(`${line}\n`);
}
