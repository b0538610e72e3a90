import { BadRequestException } from '@nestjs/common';
import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { isGatewayPath } from './api-paths';

/** The largest body the server reads: nothing the API takes is larger; a bigger one is answered 413. */
export const API_BODY_LIMIT = 64 * 1024;

/** The gateway's (/v1) instead: a chat carrying images or long documents, as OpenAI's API takes them. */
export const GATEWAY_BODY_LIMIT = 32 * 1024 * 1024;

/** The JSON media types of the +json family (application/merge-patch+json, …), besides application/json. */
const JSON_FAMILY = /^application\/[\w.+-]+\+json$/i;

/** The first character that is not JSON whitespace (space, tab, line feed, carriage return). */
const FIRST_CHARACTER = /^[ \t\n\r]*([^ \t\n\r])/;

/**
 * A JSON body as the API has always read it: an empty body is `{}`, and only an object or an array
 * is a body (a bare string or number is refused as not valid JSON, before anything parses it).
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return {};
  const first = FIRST_CHARACTER.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw strictSyntaxError(text, first);
  return JSON.parse(text);
}

/** JSON.parse's own message for the first character that is not an object or array, e.g. `Unexpected token 'x', "x" is not valid JSON`. */
function strictSyntaxError(text: string, first: string | undefined): SyntaxError {
  const index = first === undefined ? -1 : text.indexOf(first);
  const placeholder = index === -1 ? '' : text.slice(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(placeholder);
    return new SyntaxError('the body must be a JSON object or array');
  } catch (error) {
    const message = (error as Error).message.replace(/#+/g, (hashes) => text.slice(index, index + hashes.length));
    return new SyntaxError(message);
  }
}

/**
 * The bodies the server reads, and only those: Fastify's own parsers (JSON with its empty-body error,
 * text/plain) give way to JSON as above, up to API_BODY_LIMIT (the gateway's routes up to
 * GATEWAY_BODY_LIMIT). A body of another type (an HTML form too) is refused before it is read (415).
 */
export function readBodies(fastify: FastifyInstance): void {
  const options = { parseAs: 'string', bodyLimit: API_BODY_LIMIT } as const;
  const json: FastifyBodyParser<string> = (_request, text, done) => {
    try {
      done(null, parseJsonBody(text));
    } catch (error) {
      // Answered 400 INVALID_BODY with JSON.parse's reason (DomainErrorFilter).
      done(new BadRequestException((error as SyntaxError).message), undefined);
    }
  };
  // A route's own limit outranks the parsers': the gateway's routes get theirs as they are declared.
  fastify.addHook('onRoute', (route) => {
    if (isGatewayPath(route.url)) route.bodyLimit = GATEWAY_BODY_LIMIT;
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', options, json);
  fastify.addContentTypeParser(JSON_FAMILY, options, json);
}
