import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { ServerResponse } from 'node:http';
import { DomainError, DomainErrorKind } from '../../common/domain-error';
import { UnsafeUiJsonError } from '../../common/json-guard/unsafe-ui-json.error';
import { isDatabaseUnreachable } from '../../database/database-errors';
import {
  InvalidBaseUrlError,
  InvalidInputError,
  NoAvailableProviderError,
  ProviderConfigService,
  UnknownProviderError,
} from '../../registry';
import type { ApiEnvelope, ApiFieldError } from './api-envelope';
import { ErrorFormats } from './error-formats';
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

const UNSUPPORTED_TYPE = 'Content-Type must be application/json';
/** What clients have always read for a body over the limit (body-parser's words, kept through the move to Fastify). */
const TOO_LARGE = 'request entity too large';

/**
 * What was wrong with a request refused before any controller saw it, named like a field error: a
 * 413 is a body over the limit, a 415 a body of a type the API does not read, a 400 a body that is
 * not JSON (Fastify's refusals reach here as Nest's HttpException of the same status).
 */
function requestProblem(status: number, message: string): Pick<ApiEnvelope<null>, 'meta' | 'message' | 'errors'> | undefined {
  switch (status) {
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return {
        meta: { code: 'BODY_TOO_LARGE' },
        message: TOO_LARGE,
        errors: [{ field: 'body', rule: 'entity.too.large', message: TOO_LARGE }],
      };
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE: {
      // Ours names what was sent (json-bodies-only.ts); Fastify's own refusal says less.
      const text = message.startsWith(UNSUPPORTED_TYPE) ? message : UNSUPPORTED_TYPE;
      return {
        meta: { code: 'UNSUPPORTED_MEDIA_TYPE' },
        message: text,
        errors: [{ field: 'Content-Type', rule: 'media-type', message: text }],
      };
    }
    case HttpStatus.BAD_REQUEST: {
      const json = `the body is not valid JSON: ${message}`;
      return { meta: { code: 'INVALID_BODY' }, message: json, errors: [{ field: 'body', rule: 'json', message: json }] };
    }
    default:
      return undefined;
  }
}

/** A request target that is not valid percent-encoding, answered before routing (see framework-errors.ts). */
export function invalidPathAnswer(message: string): ApiEnvelope<null> {
  return {
    data: null,
    meta: { code: 'INVALID_PATH' },
    status: 'error',
    message,
    errors: [{ field: 'path', rule: 'uri-encoding', message }],
  };
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

/** Where an answer goes: Fastify's reply, or Node's response (an error raised in a middleware). */
type Response = FastifyReply | ServerResponse;

function setHeader(response: Response, name: string, value: string): void {
  if (response instanceof ServerResponse) response.setHeader(name, value);
  else void response.header(name, value);
}

/**
 * The REST edge's one place that turns errors into answers: domain errors by their kind, Nest's own
 * HTTP errors (unknown route, rate limit, the refusals of a body: too large, not JSON, a type the
 * API does not read) with the field and rule broken, a database that cannot be reached as a 503 with
 * Retry-After, and anything else as a 500 whose text is logged but never sent (no stack trace or SQL
 * text reaches a client). Global, as it must be: an unknown route, an unreadable body or the
 * JSON-bodies rule fail before any controller is chosen. An edge with a format of its own (the
 * gateway's OpenAI errors) binds its own filter, which Nest asks first, and registers it in
 * ErrorFormats for what fails on its paths before that.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainErrorFilter.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly formats: ErrorFormats,
    private readonly providers: ProviderConfigService,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const own = this.formats.filterFor(host);
    if (own) return own.catch(error, host);
    const response = host.switchToHttp().getResponse<Response>();
    const reply = (status: number, body: unknown) => this.adapterHost.httpAdapter.reply(response, body, status);
    let status: number;
    let body: ApiEnvelope<null>;
    if (error instanceof DomainError) {
      status = statusOf(error.kind);
      const errors = fieldErrors(error);
      // Nothing available: every candidate and why it was passed over, for the caller to act on.
      const skipped = error instanceof NoAvailableProviderError ? { skipped: error.skipped } : {};
      // A mistyped provider: the ones there are, as the CLI lists them.
      const known = error instanceof UnknownProviderError ? this.providers.knownProviders() : undefined;
      const message = known ? `${error.message}; known providers: ${known.join(', ')}` : error.message;
      const extra = known ? { knownProviders: known } : skipped;
      body = { data: null, meta: { code: error.code, ...extra }, status: 'error', message, ...(errors ? { errors } : {}) };
      if (status === HttpStatus.UNAUTHORIZED) setHeader(response, 'WWW-Authenticate', 'Bearer');
    } else if (error instanceof HttpException && isRawRoute(host)) {
      // The liveness check's own failure format (terminus), which orchestrators read.
      reply(error.getStatus(), error.getResponse());
      return;
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      const message = status === HttpStatus.INTERNAL_SERVER_ERROR ? 'internal error' : error.message;
      body = { data: null, meta: {}, status: 'error', message, ...requestProblem(status, message) };
    } else if (isDatabaseUnreachable(error)) {
      // A lost or refused database session is the server's passing trouble, not a bug: worth a retry.
      status = HttpStatus.SERVICE_UNAVAILABLE;
      this.logger.warn(`Database unreachable: ${(error as Error).message}`);
      setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_S));
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
    reply(status, body);
  }
}
