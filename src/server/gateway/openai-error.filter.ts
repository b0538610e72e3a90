import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { takeOverResponse } from './node-response';
import { writeError } from './answer-writer';
import { openAiErrorOf } from './openai-error';

/** Every failure of a /v1 route answered in OpenAI's error shape; only our own faults are logged as errors. */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    const answer = openAiErrorOf(error);
    if (answer.unexpected) this.logger.error(`Unexpected gateway failure: ${(error as Error)?.stack ?? String(error)}`);
    const reply = host.switchToHttp().getResponse<unknown>();
    const { response, headers } = takeOverResponse(reply);
    writeError(response, headers, answer);
  }
}
