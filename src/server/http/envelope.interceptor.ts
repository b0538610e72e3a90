import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { ApiEnvelope, WithMeta } from './api-envelope';

const RAW = 'http:raw';
/** An ApiController route whose answers keep their own format (routes outside the API are never enveloped). */
export const RawResponse = () => SetMetadata(RAW, true);

/** Wraps what a controller returns in the API's envelope; controllers return plain data. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.getAllAndOverride<boolean>(RAW, [context.getHandler(), context.getClass()])) return next.handle();
    return next
      .handle()
      .pipe(
        map((value: unknown): ApiEnvelope<unknown> =>
          value instanceof WithMeta
            ? { data: value.data, meta: value.meta, status: 'success', message: 'OK' }
            : { data: value ?? null, meta: {}, status: 'success', message: 'OK' },
        ),
      );
  }
}
