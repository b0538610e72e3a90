/*
 * The parts of the two wire formats this folder writes or reads. Only what we use is declared; what we
 * read arrives as `unknown` and is narrowed field by field (guards.ts), so these types describe what we
 * produce and what we have already checked, never what a peer promised.
 *
 * OpenAI: Chat Completions (POST /v1/chat/completions), JSON and `chat.completion.chunk` streaming.
 * Anthropic: Messages (POST /v1/messages, anthropic-version 2023-06-01), JSON and SSE streaming.
 */

// ---------------------------------------------------------------- translation outcome

/** A request the gateway must answer with 400 in OpenAI's error shape, naming `param`. */
export interface RequestRefusal {
  ok: false;
  /** OpenAI's path notation: `messages[2].tool_calls[0].function.arguments`, `temperature`. */
  param: string;
  message: string;
}

// ---------------------------------------------------------------- OpenAI, written by us

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Of prompt_tokens, how many were read from the prompt cache. */
  prompt_tokens_details: { cached_tokens: number };
}

export interface OpenAiAssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  tool_calls?: OpenAiToolCall[];
}

export interface OpenAiChatCompletion {
  id: string;
  object: 'chat.completion';
  /** Unix seconds. */
  created: number;
  model: string;
  choices: [{ index: 0; message: OpenAiAssistantMessage; logprobs: null; finish_reason: OpenAiFinishReason }];
  usage: OpenAiUsage;
}

export interface OpenAiToolCallDelta {
  index: number;
  /** id, type and name come once, in the first delta of a call; later deltas carry argument text only. */
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface OpenAiChunkDelta {
  role?: 'assistant';
  content?: string;
  tool_calls?: OpenAiToolCallDelta[];
}

export interface OpenAiChunkChoice {
  index: 0;
  delta: OpenAiChunkDelta;
  logprobs: null;
  finish_reason: OpenAiFinishReason | null;
}

export interface OpenAiChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  /** Empty in the usage chunk that ends a stream asked with `stream_options.include_usage`. */
  choices: OpenAiChunkChoice[];
  /** Present only when the client asked for usage: null on every chunk but the last. */
  usage?: OpenAiUsage | null;
}

/** The `error` member of OpenAI's error body `{ error: {...} }`. */
export interface OpenAiError {
  message: string;
  type: string;
  param: string | null;
  /** The upstream's own error type, kept for the client's logs. */
  code: string | null;
}

// ---------------------------------------------------------------- Anthropic, written by us

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}

export type AnthropicImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: AnthropicImageMediaType; data: string } | { type: 'url'; url: string };
}

export interface AnthropicDocumentBlock {
  type: 'document';
  source: { type: 'base64'; media_type: 'application/pdf'; data: string };
  title?: string;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  /** Omitted when the tool returned nothing: Anthropic refuses empty text blocks. */
  content?: string | AnthropicTextBlock[];
}

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicTextBlock | AnthropicToolUseBlock;

export type AnthropicMessage = { role: 'user'; content: AnthropicUserBlock[] } | { role: 'assistant'; content: AnthropicAssistantBlock[] };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicRequest {
  model: string;
  messages: AnthropicMessage[];
  max_tokens: number;
  system?: string | AnthropicTextBlock[];
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  stream?: boolean;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  output_config?: { format: { type: 'json_schema'; schema: Record<string, unknown> } };
}

// ---------------------------------------------------------------- Anthropic, read by us (after checking)

/** Anthropic's counts; the three input counts are disjoint and add up to the prompt. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** One server-sent event, its `data:` already parsed as JSON (left unchecked: the translator checks it). */
export interface AnthropicSseEvent {
  event: string;
  data: unknown;
}
