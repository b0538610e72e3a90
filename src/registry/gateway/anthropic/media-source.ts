import { describe, isObject, isString } from './guards';
import { refuse } from './refusal';
import { AnthropicDocumentBlock, AnthropicImageBlock, AnthropicImageMediaType } from './wire-types';

const IMAGE_TYPES = new Map<string, AnthropicImageMediaType>([
  ['image/jpeg', 'image/jpeg'],
  ['image/jpg', 'image/jpeg'],
  ['image/png', 'image/png'],
  ['image/gif', 'image/gif'],
  ['image/webp', 'image/webp'],
]);

interface DataUrl {
  mediaType: string;
  data: string;
}

/**
 * `data:<type>[;param…];base64,<data>` split without a regular expression (the payload can be megabytes).
 * Only base64 payloads are accepted: Anthropic takes nothing else inline.
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!url.toLowerCase().startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const [mediaType = '', ...params] = url.slice('data:'.length, comma).split(';');
  if (!params.some((p) => p.trim().toLowerCase() === 'base64')) return undefined;
  const data = url.slice(comma + 1);
  if (data === '') return undefined;
  return { mediaType: mediaType.trim().toLowerCase(), data };
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * An OpenAI `image_url` part → an Anthropic image block: a base64 data URL becomes an inline source, an
 * http(s) URL a url source that Anthropic fetches. `detail` has no Anthropic equivalent and is dropped.
 * Accepts the object form `{ url }` and, leniently, a bare string.
 */
export function imageBlock(imageUrl: unknown, param: string): AnthropicImageBlock {
  const url = isObject(imageUrl) ? imageUrl.url : imageUrl;
  const urlParam = isObject(imageUrl) ? `${param}.url` : param;
  if (!isString(url)) return refuse(urlParam, `expected a string URL, got ${describe(url)}`);
  if (url.toLowerCase().startsWith('data:')) {
    const parsed = parseDataUrl(url);
    if (!parsed) return refuse(urlParam, 'an image data URL must be base64-encoded: data:image/png;base64,…');
    const mediaType = IMAGE_TYPES.get(parsed.mediaType);
    if (!mediaType) {
      return refuse(
        urlParam,
        `image type ${parsed.mediaType || '(none)'} is not supported; use image/jpeg, image/png, image/gif or image/webp`,
      );
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: parsed.data } };
  }
  if (isHttpUrl(url)) return { type: 'image', source: { type: 'url', url } };
  return refuse(urlParam, 'an image URL must be an http(s) URL or a base64 data URL');
}

/**
 * An OpenAI `file` part → an Anthropic document block. Only inline PDFs translate: an OpenAI `file_id`
 * names a file in OpenAI's storage, which Anthropic cannot read.
 */
export function documentBlock(file: unknown, param: string): AnthropicDocumentBlock {
  if (!isObject(file)) return refuse(param, `expected an object, got ${describe(file)}`);
  if (file.file_data === undefined || file.file_data === null) {
    return refuse(param, 'only inline file_data is supported for Anthropic models; a file_id refers to OpenAI file storage');
  }
  if (!isString(file.file_data)) return refuse(`${param}.file_data`, `expected a string, got ${describe(file.file_data)}`);
  const parsed = parseDataUrl(file.file_data);
  if (!parsed || parsed.mediaType !== 'application/pdf') {
    return refuse(`${param}.file_data`, 'only PDF files are supported, as a base64 data URL: data:application/pdf;base64,…');
  }
  const block: AnthropicDocumentBlock = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: parsed.data } };
  if (isString(file.filename) && file.filename !== '') block.title = file.filename;
  return block;
}
