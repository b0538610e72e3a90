import { Injectable, NestMiddleware, UnsupportedMediaTypeException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** What the API reads bodies as: JSON (and HTML forms, which the body parser also takes). */
const READ_TYPES = /^application\/(json|[\w.+-]+\+json|x-www-form-urlencoded)\s*(;|$)/i;

/**
 * A body the API cannot read (text/plain, XML, no type at all) is refused with 415 instead of being
 * taken as an empty one: a PATCH sent as text would otherwise answer 200 and change nothing.
 */
@Injectable()
export class JsonBodiesOnly implements NestMiddleware {
  use(request: IncomingMessage, _response: unknown, next: (error?: unknown) => void): void {
    const length = request.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !READ_TYPES.test(request.headers['content-type'] ?? '')) {
      next(new UnsupportedMediaTypeException('Content-Type must be application/json'));
      return;
    }
    next();
  }
}
