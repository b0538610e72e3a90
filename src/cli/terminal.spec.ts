import { PassThrough } from 'node:stream';
import { Terminal } from './terminal';

function terminal(tty: boolean, env: NodeJS.ProcessEnv = {}) {
  const out = Object.assign(new PassThrough(), { isTTY: tty });
  const err = Object.assign(new PassThrough(), { isTTY: tty });
  let text = '';
  out.on('data', (chunk) => (text += chunk));
  return {
    term: new Terminal({ stdin: Object.assign(new PassThrough(), { isTTY: tty }), stdout: out, stderr: err, env }),
    text: () => text,
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

describe('Terminal', () => {
  it('colours only on a terminal, and never with NO_COLOR', () => {
    const onTty = terminal(true);
    onTty.term.print(onTty.term.colors.red('unhealthy'));
    expect(onTty.text()).toMatch(ANSI);
    const piped = terminal(false);
    piped.term.print(piped.term.colors.red('unhealthy'));
    expect(piped.text()).toBe('unhealthy\n');
    const noColor = terminal(true, { NO_COLOR: '1' });
    noColor.term.table(['status'], [[noColor.term.colors.red('unhealthy')]]);
    expect(noColor.text()).not.toMatch(ANSI);
  });

  it('asks questions only when stdin and stderr are terminals', () => {
    expect(terminal(true).term.interactive).toBe(true);
    expect(terminal(false).term.interactive).toBe(false);
  });

  it('--json output is the document and a newline, nothing else', () => {
    const { term, text } = terminal(true);
    term.json({ a: [1] });
    expect(JSON.parse(text())).toEqual({ a: [1] });
    expect(text().endsWith('}\n')).toBe(true);
  });
});
