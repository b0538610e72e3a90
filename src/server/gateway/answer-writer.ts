import type { LoggerService } from '@nestjs/common';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AnswerOrigin, GatewayAnswer, StreamAnswer } from '../../registry';
import { takeOverResponse } from './node-response';
import { OpenAiErrorAnswer, openAiErrorOf } from './openai-error';

/** Who answered, on every answer the registry routed: the caller can tell fallbacks from first choices. */
function originHeaders(origin: AnswerOrigin): OutgoingHttpHeaders {
  return {
    'x-registry-provider': origin.provider,
    'x-registry-model': origin.model,
    'x-registry-attempts': String(origin.attempts),
  };
}

/** Writes the answer: a JSON one at once, then its accounting (delivered), which it no longer waits for; a stream as it arrives. */
export async function writeAnswer(response: ServerResponse, headers: OutgoingHttpHeaders, answer: GatewayAnswer): Promise<void> {
  if (answer.kind === 'json') {
    try {
      response.writeHead(answer.status, {
        ...headers,
        ...originHeaders(answer.origin),
        ...answer.limitHeaders,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer.body),
      });
      response.end(answer.body);
    } finally {
      answer.delivered();
    }
    return;
  }
  await writeStream(response, headers, answer);
}

/** Any failure on /v1 (the routes' own, or what failed before them), answered in OpenAI's shape; only our own faults are logged as errors. */
export function writeOpenAiError(error: unknown, reply: unknown, logger: LoggerService): void {
  const answer = openAiErrorOf(error);
  if (answer.unexpected) logger.error(`Unexpected gateway failure: ${(error as Error)?.stack ?? String(error)}`);
  const { response, headers } = takeOverResponse(reply);
  writeError(response, headers, answer);
}

function writeError(response: ServerResponse, headers: OutgoingHttpHeaders, error: OpenAiErrorAnswer): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const body = JSON.stringify(error.body);
  response.writeHead(error.status, {
    ...headers,
    ...error.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/**
 * Server-sent events as the upstream's frames arrive, with the socket's backpressure respected. When
 * the client goes away the frames are abandoned (return()), which aborts the upstream request.
 *
 * The frames one upstream read yields come out of the generator in the same tick: the response is
 * corked from the first of them to the end of the tick, so they leave in one write (the headers
 * with the first ones) instead of a system call per frame.
 */
async function writeStream(response: ServerResponse, headers: OutgoingHttpHeaders, answer: StreamAnswer): Promise<void> {
  try {
    response.writeHead(200, {
      ...headers,
      ...originHeaders(answer.origin),
      ...answer.limitHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // A proxy that buffers (nginx) would hold the answer back until it ends.
      'x-accel-buffering': 'no',
    });
  } catch (error) {
    await abandon(answer.frames);
    throw error;
  }
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
  };
  try {
    for await (const frame of answer.frames) {
      if (response.destroyed) break;
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(frame)) await drained(response);
    }
  } finally {
    // Left early (break, or the client gone while waiting), for-await has closed the generator, whose own finally settles the attempt.
    response.end();
  }
}

/**
 * A relay nobody will read (its answer could not begin): started, so that its own finally runs (the
 * upstream request aborted, the attempt settled), then closed. A generator closed before it started
 * would skip its body, finally included.
 */
async function abandon(frames: StreamAnswer['frames']): Promise<void> {
  await frames.next().catch(() => undefined);
  await frames.return(undefined);
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
