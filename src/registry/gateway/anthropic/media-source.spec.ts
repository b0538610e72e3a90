import { parseDataUrl } from './media-source';
import { toAnthropicRequest } from './to-anthropic-request';

function userContent(parts: unknown[]) {
  return toAnthropicRequest({ messages: [{ role: 'user', content: parts }] }, 'claude-x', { defaultMaxTokens: 1024 });
}

const image = (url: unknown, detail?: string) => ({ type: 'image_url', image_url: { url, ...(detail ? { detail } : {}) } });

describe(parseDataUrl.name, () => {
  it.each([
    ['data:image/png;base64,iVBORw0K', { mediaType: 'image/png', data: 'iVBORw0K' }],
    ['DATA:Image/JPEG;BASE64,/9j/4AAQ', { mediaType: 'image/jpeg', data: '/9j/4AAQ' }],
    ['data:application/pdf;name=a.pdf;base64,JVBERi0x', { mediaType: 'application/pdf', data: 'JVBERi0x' }],
  ])('reads %s', (url, expected) => {
    expect(parseDataUrl(url)).toEqual(expected);
  });

  it.each(['https://x.test/a.png', 'data:image/png,rawbytes', 'data:image/png;base64', 'data:image/png;base64,'])('refuses %s', (url) => {
    expect(parseDataUrl(url)).toBeUndefined();
  });
});

describe('image and file parts', () => {
  it('translates text and images, inline and by URL, in order', () => {
    const result = userContent([
      { type: 'text', text: 'Compare these:' },
      image('data:image/jpg;base64,/9j/4AAQ', 'high'),
      image('https://example.com/cat.webp'),
      { type: 'image_url', image_url: 'data:image/gif;base64,R0lGOD' },
    ]);
    expect(result).toEqual({
      ok: true,
      body: expect.objectContaining({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these:' },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.webp' } },
              { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGOD' } },
            ],
          },
        ],
      }),
    });
  });

  it.each([
    [image('data:image/bmp;base64,Qk0='), 'messages[0].content[0].image_url.url', /image\/bmp is not supported/],
    [image('data:image/png,not-base64'), 'messages[0].content[0].image_url.url', /base64/],
    [image('ftp://example.com/a.png'), 'messages[0].content[0].image_url.url', /http\(s\)/],
    [image('file:///etc/passwd'), 'messages[0].content[0].image_url.url', /http\(s\)/],
    [image('not a url'), 'messages[0].content[0].image_url.url', /http\(s\)/],
    [image(42), 'messages[0].content[0].image_url.url', /got a number/],
    [{ type: 'image_url' }, 'messages[0].content[0].image_url', /got nothing/],
    [image('data:constructor;base64,AAAA'), 'messages[0].content[0].image_url.url', /not supported/],
  ])('refuses %j', (part, param, message) => {
    const result = userContent([part]);
    expect(result).toMatchObject({ ok: false, param });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('translates an inline PDF into a document block titled by its file name', () => {
    const result = userContent([{ type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } }]);
    expect(result.ok && result.body.messages[0].content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' }, title: 'report.pdf' },
    ]);
  });

  it.each([
    [{ type: 'file', file: { file_id: 'file-abc' } }, 'messages[0].content[0].file'],
    [{ type: 'file', file: { file_data: 'data:text/plain;base64,aGk=' } }, 'messages[0].content[0].file.file_data'],
    [{ type: 'file', file: { file_data: 12 } }, 'messages[0].content[0].file.file_data'],
    [{ type: 'file', file: 'x' }, 'messages[0].content[0].file'],
  ])('refuses the file part %j', (part, param) => {
    expect(userContent([part])).toMatchObject({ ok: false, param });
  });
});
