import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** The framework's request or reply object, or Node's own: the adapters differ, the raw objects do not. */
interface Wrapped<T> {
  raw?: T;
}

export function nodeRequest(request: unknown): IncomingMessage {
  return (request as Wrapped<IncomingMessage>).raw ?? (request as IncomingMessage);
}

/**
 * Takes the response over from the framework so the gateway can stream on Node's ServerResponse:
 * Fastify is told (hijack) so it neither sends nor complains, and the headers its hooks already set
 * (the security headers) are returned to be written with ours.
 */
export function takeOverResponse(reply: unknown): { response: ServerResponse; headers: OutgoingHttpHeaders } {
  const fastify = reply as Wrapped<ServerResponse> & { hijack?: () => void; getHeaders?: () => OutgoingHttpHeaders };
  if (fastify.raw && typeof fastify.hijack === 'function') {
    fastify.hijack();
    return { response: fastify.raw, headers: { ...fastify.getHeaders?.() } };
  }
  return { response: reply as ServerResponse, headers: {} };
}
