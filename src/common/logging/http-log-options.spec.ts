import { loggedResponseHeaders } from './http-log-options';

describe(loggedResponseHeaders.name, () => {
  it('keeps what the answer was, its size and when to come back, and none of the headers every answer carries', () => {
    expect(
      loggedResponseHeaders({
        'content-type': 'application/json; charset=utf-8',
        'content-length': '123',
        'retry-after': '2',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'set-cookie': 'sid=secret',
        etag: '"v1"',
      }),
    ).toEqual({ 'content-type': 'application/json; charset=utf-8', 'content-length': '123', 'retry-after': '2' });
    expect(loggedResponseHeaders({})).toEqual({});
  });
});
