import { describe, isObject, isString, JsonObject } from './guards';
import { documentBlock, imageBlock } from './media-source';
import { refuse } from './refusal';
import { AnthropicTextBlock, AnthropicUserBlock } from './wire-types';

/*
 * One OpenAI message's `content` → Anthropic content blocks. Empty text is dropped everywhere:
 * Anthropic refuses an empty text block, and an empty string says nothing to the model.
 */

function textBlocks(texts: string[]): AnthropicTextBlock[] {
  return texts.filter((text) => text !== '').map((text) => ({ type: 'text', text }));
}

function partsOf(content: unknown, param: string): unknown[] {
  if (!Array.isArray(content)) return refuse(param, `expected a string or an array of content parts, got ${describe(content)}`);
  return content;
}

function typedPart(part: unknown, param: string): { type: string; fields: JsonObject } {
  if (!isObject(part)) return refuse(param, `expected a content part object, got ${describe(part)}`);
  if (!isString(part.type)) return refuse(`${param}.type`, `expected a string, got ${describe(part.type)}`);
  return { type: part.type, fields: part };
}

function partText(part: JsonObject, param: string): string {
  if (!isString(part.text)) return refuse(`${param}.text`, `expected a string, got ${describe(part.text)}`);
  return part.text;
}

/**
 * Text-only content (system, developer and tool messages): a string, or text parts. null or absent is
 * no text. `refusal` parts (assistant history) are read as text.
 */
export function contentTexts(content: unknown, param: string): string[] {
  if (content === null || content === undefined) return [];
  if (isString(content)) return [content];
  return partsOf(content, param).map((part, j) => {
    const { type, fields } = typedPart(part, `${param}[${j}]`);
    if (type === 'text') return partText(fields, `${param}[${j}]`);
    if (type === 'refusal') {
      const refusal = fields.refusal;
      if (!isString(refusal)) return refuse(`${param}[${j}].refusal`, `expected a string, got ${describe(refusal)}`);
      return refusal;
    }
    return refuse(`${param}[${j}].type`, `a content part of type ${type} is not allowed here; only text is`);
  });
}

/** Text content as Anthropic text blocks (assistant and tool messages). */
export function textContentBlocks(content: unknown, param: string): AnthropicTextBlock[] {
  return textBlocks(contentTexts(content, param));
}

/** A user message's content: text, images (`image_url`) and PDFs (`file`). */
export function userContentBlocks(content: unknown, param: string): AnthropicUserBlock[] {
  if (isString(content)) return textBlocks([content]);
  const blocks: AnthropicUserBlock[] = [];
  partsOf(content, param).forEach((part, j) => {
    const at = `${param}[${j}]`;
    const { type, fields } = typedPart(part, at);
    switch (type) {
      case 'text':
        blocks.push(...textBlocks([partText(fields, at)]));
        return;
      case 'image_url':
        blocks.push(imageBlock(fields.image_url, `${at}.image_url`));
        return;
      case 'file':
        blocks.push(documentBlock(fields.file, `${at}.file`));
        return;
      case 'input_audio':
        return refuse(`${at}.type`, 'audio input is not supported by Anthropic models');
      default:
        return refuse(`${at}.type`, `unknown content part type ${type}; expected text, image_url or file`);
    }
  });
  return blocks;
}
