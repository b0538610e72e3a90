import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { DomainError, DomainErrorKind } from '../../common/domain-error';
import { UnsafeUiJsonError } from '../../common/json-guard/unsafe-ui-json.error';
import { isDatabaseUnreachable } from '../../database/database-errors';
import { InvalidBaseUrlError, InvalidInputError, NoAvailableProviderError } from '../../registry';
import type { ApiEnvelope, ApiFieldError } from './api-envelope';
import { InvalidRequestError } from './invalid-request.error';

/** Seconds a client is asked to wait after a database connection was lost: a new session is usually there by then. */
const DATABASE_RETRY_AFTER_S = 2;

/** Each kind of domain error has one status code, decided here and nowhere else. */
export function statusOf(kind: DomainErrorKind): number {
  switch (kind) {
    case 'invalid_input':
      return HttpStatus.BAD_REQUEST;
    case 'unauthenticated':
      return HttpStatus.UNAUTHORIZED;
    case 'forbidden':
      return HttpStatus.FORBIDDEN;
    case 'not_found':
      return HttpStatus.NOT_FOUND;
    case 'conflict':
    case 'unavailable':
      // "Nothing is available" is the registry's answer about the world, not a server fault.
      return HttpStatus.CONFLICT;
    case 'precondition_failed':
      return HttpStatus.PRECONDITION_FAILED;
    case 'not_applicable':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'misconfigured':
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

/** An http-errors error meant to be shown (body-parser raises these before any controller runs). */
function isExposedClientError(error: unknown): error is { status: number; message: string; type?: string } {
  const e = error as { status?: unknown; expose?: unknown; message?: unknown };
  return typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true && typeof e.message === 'string';
}

/**
 * What was wrong with a request Nest refused before any controller saw it, named like a field error:
 * a 400 here is a body that is not JSON or a path that is not valid percent-encoding (Nest maps only
 * those), a 415 a body of a type the API does not read.
 */
function requestProblem(status: number, message: string): Pick<ApiEnvelope<null>, 'meta' | 'message' | 'errors'> | undefined {
  if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
    return { meta: { code: 'UNSUPPORTED_MEDIA_TYPE' }, message, errors: [{ field: 'Content-Type', rule: 'media-type', message }] };
  }
  if (status !== HttpStatus.BAD_REQUEST) return undefined;
  if (/decode param/i.test(message))
    return { meta: { code: 'INVALID_PATH' }, message, errors: [{ field: 'path', rule: 'uri-encoding', message }] };
  const json = `the body is not valid JSON: ${message}`;
  return { meta: { code: 'INVALID_BODY' }, message: json, errors: [{ field: 'body', rule: 'json', message: json }] };
}

function isRawRoute(host: ArgumentsHost): boolean {
  const url = host.switchToHttp().getRequest<{ url?: string }>().url ?? '';
  return url === '/healthz' || url.startsWith('/healthz?');
}

function fieldErrors(error: DomainError): ApiFieldError[] | undefined {
  if (error instanceof InvalidRequestError) return error.errors;
  if (error instanceof InvalidInputError) return [{ field: error.field, rule: error.rule, message: error.message }];
  if (error instanceof UnsafeUiJsonError) return [{ field: error.path, rule: error.rule, message: error.message }];
  if (error instanceof InvalidBaseUrlError) return [{ field: 'baseUrl', rule: 'base-url', message: error.message }];
  // Every other invalid-input error still names what was wrong; `input` stands for the request as a whole.
  if (error.kind === 'invalid_input') return [{ field: 'input', rule: error.code.toLowerCase(), message: error.message }];
  return undefined;
}

/**
 * The REST edge's one place that turns errors into answers: domain errors by their kind, Nest's own
 * HTTP errors (unknown route, body too large, rate limit) as they are, a database that cannot be
 * reached as a 503 with Retry-After, and anything else as a 500
 * whose text is logged but never sent (no stack trace or SQL text reaches a client).
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ServerResponse & { status(code: number): { json(body: unknown): void } }>();
    let status: number;
    let body: ApiEnvelope<null>;
    if (error instanceof DomainError) {
      status = statusOf(error.kind);
      const errors = fieldErrors(error);
      // Nothing available: every candidate and why it was passed over, for the caller to act on.
      const skipped = error instanceof NoAvailableProviderError ? { skipped: error.skipped } : {};
      body = { data: null, meta: { code: error.code, ...skipped }, status: 'error', message: error.message, ...(errors ? { errors } : {}) };
      if (status === HttpStatus.UNAUTHORIZED) response.setHeader('WWW-Authenticate', 'Bearer');
    } else if (error instanceof HttpException && isRawRoute(host)) {
      // The liveness check's own failure format (terminus), which orchestrators read.
      response.status(error.getStatus()).json(error.getResponse());
      return;
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      const message = status === HttpStatus.INTERNAL_SERVER_ERROR ? 'internal error' : error.message;
      body = { data: null, meta: {}, status: 'error', message, ...requestProblem(status, message) };
    } else if (isExposedClientError(error)) {
      // body-parser's own refusals (413 body too large, 400 malformed JSON): the client's fault, said plainly,
      // with the body named as the field and body-parser's reason as the rule, like every other 4xx.
      status = error.status;
      const rule = error.type ?? 'body';
      body = {
        data: null,
        meta: { code: status === HttpStatus.PAYLOAD_TOO_LARGE ? 'BODY_TOO_LARGE' : 'INVALID_BODY' },
        status: 'error',
        message: error.message,
        errors: [{ field: 'body', rule, message: error.message }],
      };
    } else if (isDatabaseUnreachable(error)) {
      // A lost or refused database session is the server's passing trouble, not a bug: worth a retry.
      status = HttpStatus.SERVICE_UNAVAILABLE;
      this.logger.warn(`Database unreachable: ${(error as Error).message}`);
      response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_S));
      body = {
        data: null,
        meta: { code: 'DATABASE_UNAVAILABLE' },
        status: 'error',
        message: 'the database is unavailable right now; retry shortly',
      };
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      this.logger.error(`Unexpected error: ${(error as Error)?.message ?? String(error)}`);
      body = { data: null, meta: {}, status: 'error', message: 'internal error' };
    }
    response.status(status).json(body);
  }
}
