import { ArgumentsHost, ExceptionFilter, Global, Injectable, Module } from '@nestjs/common';

/**
 * Edges of this server whose errors have a format of their own (the gateway's are OpenAI's), by path
 * prefix. What fails before a controller is chosen (an unknown route, an unreadable or oversized body)
 * reaches only the global filter (DomainErrorFilter), which hands it to the format its path names.
 */
@Injectable()
export class ErrorFormats {
  private readonly formats: Array<{ prefix: string; filter: ExceptionFilter }> = [];

  register(prefix: string, filter: ExceptionFilter): void {
    this.formats.push({ prefix: prefix.toLowerCase(), filter });
  }

  /** The filter of the edge `host`'s request belongs to, if it has a format of its own. */
  filterFor(host: ArgumentsHost): ExceptionFilter | undefined {
    const url = host.switchToHttp().getRequest<{ url?: string }>().url?.toLowerCase() ?? '';
    return this.formats.find(({ prefix }) => url.startsWith(prefix))?.filter;
  }
}

/** One ErrorFormats for the whole app: the global filter reads it, each edge registers in it. */
@Global()
@Module({ providers: [ErrorFormats], exports: [ErrorFormats] })
export class ErrorFormatsModule {}
