import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { writeOpenAiError } from './answer-writer';

/** What fails on /v1 before the gateway's routes (an unknown route, a body too large or not JSON), in OpenAI's error shape. */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    writeOpenAiError(error, host.switchToHttp().getResponse<unknown>(), this.logger);
  }
}
