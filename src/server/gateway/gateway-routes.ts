import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AbortFlag,
  AbortSource,
  AUTO_MODEL,
  AuthenticatedConsumer,
  consumerMayUse,
  GatewayAnswer,
  GatewayCall,
  GatewayService,
} from '../../registry';
import { writeAnswer, writeOpenAiError } from './answer-writer';
import { ConsumerAuth, ConsumerRequest } from './consumer-auth';
import { takeOverResponse } from './node-response';

const OPERATION_HEADER = 'x-registry-operation';

/**
 * OpenAI's API, served by the registry: `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`, for
 * any OpenAI client with a consumer key as its API key. No API token, no envelope, OpenAI's error
 * shape; the answer is written on Node's response as it arrives.
 *
 * Fastify routes of their own rather than a Nest controller: Nest's router wraps every call in its
 * pipes, interceptors and parameter resolution (about 20 of the 54 promises a proxied call made),
 * none of which this edge uses, on the gateway's hot path. Every Fastify hook (security headers, the
 * request log, metrics, the body rules) runs for these routes as for the API's.
 */
@Injectable()
export class GatewayRoutes implements OnModuleInit {
  private readonly logger = new Logger('Gateway');
  /** The calls being answered: each settles once its answer ended (written, or cut) and its accounting ran. */
  private readonly calls = new Set<Promise<void>>();

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly gateway: GatewayService,
    private readonly auth: ConsumerAuth,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.post('/v1/chat/completions', (request, reply) => this.serve(request, reply, (call) => this.gateway.chatCompletions(call)));
    fastify.post('/v1/embeddings', (request, reply) => this.serve(request, reply, (call) => this.gateway.embeddings(call)));
    fastify.get('/v1/models', (request, reply) => this.models(request, reply));
  }

  private async models(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const consumer = await this.auth.consumerOf(request.raw);
      const data = this.gateway
        .models((provider, model) => consumerMayUse(consumer, provider, model))
        .map((model) => ({ id: model.id, object: 'model', created: 0, owned_by: model.provider }));
      await reply.send({ object: 'list', data: [{ id: AUTO_MODEL, object: 'model', created: 0, owned_by: 'registry' }, ...data] });
    } catch (error) {
      writeOpenAiError(error, reply, this.logger);
    }
  }

  /**
   * Resolves once every call being answered has ended, its usage and log row recorded: at shutdown,
   * after the HTTP server closed (each was answered or cut, its call then aborted), before the final flushes.
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.calls]);
  }

  private serve(request: FastifyRequest, reply: FastifyReply, run: (call: GatewayCall) => Promise<GatewayAnswer>): Promise<void> {
    const call = this.answer(request, reply, run);
    this.calls.add(call);
    const ended = () => void this.calls.delete(call);
    call.then(ended, ended);
    return call;
  }

  private async answer(request: FastifyRequest, reply: FastifyReply, run: (call: GatewayCall) => Promise<GatewayAnswer>): Promise<void> {
    const raw: ConsumerRequest = request.raw;
    let consumer: AuthenticatedConsumer;
    try {
      consumer = await this.auth.consumerOf(raw);
    } catch (error) {
      return writeOpenAiError(error, reply, this.logger);
    }
    const { response, headers } = takeOverResponse(reply);
    // The client going away (the socket closed before our answer ended) aborts the upstream call.
    const client = new AbortFlag();
    response.once('close', () => response.writableFinished || client.abort());
    let answer: GatewayAnswer;
    try {
      answer = await run(callOf(consumer, request.body, raw.headers, client));
    } catch (error) {
      // Gone before any answer: nobody to tell (the call is counted as cancelled), and no fault of ours.
      if (client.aborted) return void response.end();
      return this.answerError(error, reply, consumer);
    }
    raw.answeredBy = { upstream: `${answer.origin.provider}/${answer.origin.model}`, attempts: answer.origin.attempts };
    try {
      await writeAnswer(response, headers, answer);
    } catch (error) {
      // The reply is ours (taken over): Fastify would only log this, and the client would wait for ever.
      writeOpenAiError(error, reply, this.logger);
    }
  }

  /** An error answer carries the key's rate headers too, as OpenAI's do (a 429 brings its own). */
  private answerError(error: unknown, reply: FastifyReply, consumer: AuthenticatedConsumer): void {
    try {
      for (const [name, value] of Object.entries(this.gateway.rateHeaders(consumer.id))) reply.raw.setHeader(name, value);
    } finally {
      writeOpenAiError(error, reply, this.logger);
    }
  }
}

function callOf(consumer: AuthenticatedConsumer, body: unknown, headers: ConsumerRequest['headers'], signal: AbortSource): GatewayCall {
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
