import { unreadableBodyMessage } from './json-bodies-only';

describe(unreadableBodyMessage.name, () => {
  it('says the body was not read as JSON and names the type it came as', () => {
    expect(unreadableBodyMessage('application/x-www-form-urlencoded')).toBe(
      "Content-Type must be application/json: the body was sent as application/x-www-form-urlencoded (what curl -d sends unless told -H 'Content-Type: application/json'), so it was not read",
    );
    expect(unreadableBodyMessage('text/plain; charset=utf-8')).toBe(
      'Content-Type must be application/json: the body was sent as text/plain, so it was not read',
    );
  });

  it('says when there was no Content-Type at all', () => {
    expect(unreadableBodyMessage(undefined)).toBe(
      'Content-Type must be application/json: the body was sent without a Content-Type, so it was not read',
    );
    expect(unreadableBodyMessage('')).toMatch(/without a Content-Type/);
  });

  it('keeps a long type short', () => {
    expect(unreadableBodyMessage(`text/${'x'.repeat(500)}`).length).toBeLessThan(200);
  });
});
