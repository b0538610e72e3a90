import { prettyOnTty } from './pretty-on-tty';

describe('prettyOnTty', () => {
  it('pretty-prints to the same stream on a terminal only', () => {
    expect(prettyOnTty(1, true)).toMatchObject({ target: 'pino-pretty', options: { destination: 1 } });
    expect(prettyOnTty(2, true)).toMatchObject({ target: 'pino-pretty', options: { destination: 2 } });
    expect(prettyOnTty(1, false)).toBeUndefined();
  });
});
