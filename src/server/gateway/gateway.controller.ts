import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AUTO_MODEL, AuthenticatedConsumer, consumerMayUse, GatewayAnswer, GatewayCall, GatewayService } from '../../registry';
import { writeAnswer } from './answer-writer';
import { ConsumerAuth, ConsumerRequest } from './consumer-auth';
import { nodeRequest, takeOverResponse } from './node-response';
import { OpenAiErrorFilter } from './openai-error.filter';

const OPERATION_HEADER = 'x-registry-operation';

/**
 * OpenAI's API, served by the registry: `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`, for
 * any OpenAI client with a consumer key as its API key. Not an ApiController: no API token, no
 * envelope, OpenAI's error shape (OpenAiErrorFilter). The answer is written on Node's response as it arrives.
 */
@ApiExcludeController()
@Controller('v1')
@UseFilters(OpenAiErrorFilter)
export class GatewayController {
  constructor(
    private readonly gateway: GatewayService,
    private readonly auth: ConsumerAuth,
  ) {}

  @Post('chat/completions')
  chatCompletions(@Req() request: unknown, @Res() reply: unknown): Promise<void> {
    return this.serve(request, reply, (call) => this.gateway.chatCompletions(call));
  }

  @Post('embeddings')
  embeddings(@Req() request: unknown, @Res() reply: unknown): Promise<void> {
    return this.serve(request, reply, (call) => this.gateway.embeddings(call));
  }

  @Get('models')
  async models(@Req() request: unknown): Promise<object> {
    const consumer = await this.auth.consumerOf(nodeRequest(request));
    const data = this.gateway
      .models((provider, model) => consumerMayUse(consumer, provider, model))
      .map((model) => ({
        id: model.id,
        object: 'model',
        created: 0,
        owned_by: model.provider,
      }));
    return { object: 'list', data: [{ id: AUTO_MODEL, object: 'model', created: 0, owned_by: 'registry' }, ...data] };
  }

  private async serve(request: unknown, reply: unknown, run: (call: GatewayCall) => Promise<GatewayAnswer>): Promise<void> {
    const raw: ConsumerRequest = nodeRequest(request);
    const consumer = await this.auth.consumerOf(raw);
    const { response, headers } = takeOverResponse(reply);
    // The client going away (the socket closed before our answer ended) aborts the upstream call.
    const client = new AbortController();
    response.once('close', () => response.writableFinished || client.abort());
    let answer: GatewayAnswer;
    try {
      answer = await run(callOf(consumer, (request as { body?: unknown }).body, raw.headers, client.signal));
    } catch (error) {
      // Gone before any answer: nobody to tell (the call is counted as cancelled), and no fault of ours.
      if (client.signal.aborted) return void response.end();
      // An error answer carries the key's rate headers too, as OpenAI's do (a 429 brings its own).
      for (const [name, value] of Object.entries(this.gateway.rateHeaders(consumer.id))) response.setHeader(name, value);
      throw error;
    }
    raw.answeredBy = { upstream: `${answer.origin.provider}/${answer.origin.model}`, attempts: answer.origin.attempts };
    await writeAnswer(response, headers, answer);
  }
}

function callOf(consumer: AuthenticatedConsumer, body: unknown, headers: ConsumerRequest['headers'], signal: AbortSignal): GatewayCall {
  const operation = headers[OPERATION_HEADER];
  return {
    body,
    consumerKeyId: consumer.id,
    operation: typeof operation === 'string' && operation !== '' ? operation : undefined,
    mayUse: (provider, model) => consumerMayUse(consumer, provider, model),
    signal,
    // Handed on as sent (W3C trace context): only the tracer, when on, reads them.
    traceparent: oneHeader(headers.traceparent),
    tracestate: oneHeader(headers.tracestate),
  };
}

function oneHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
