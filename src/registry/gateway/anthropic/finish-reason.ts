import { OpenAiFinishReason } from './wire-types';

/**
 * Anthropic `stop_reason` → OpenAI `finish_reason`. `pause_turn` (a server tool paused a long turn) ends
 * the answer as far as the client can tell; an unknown or missing reason reads as a normal stop.
 */
export function toOpenAiFinishReason(stopReason: unknown): OpenAiFinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn, and anything newer.
      return 'stop';
  }
}
