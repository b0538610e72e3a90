import type { ComponentChildren } from 'preact';
import type { Tone } from '../check-outcome';

/** An error in words under the control it is about, announced to screen readers. */
export function FieldErrorText({ id, message }: { id: string; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p class="field-error" id={id} role="alert">
      {message}
    </p>
  );
}

/** The outcome of an action, next to the button that caused it. */
export function ActionStatus({ error, done }: { error: string | null; done?: string | null }) {
  if (error)
    return (
      <p class="action-error" role="alert">
        {error}
      </p>
    );
  if (done)
    return (
      <p class="action-done" role="status">
        {done}
      </p>
    );
  return null;
}

const TONE_CLASSES: Record<Tone, string> = { ok: 'action-done', warn: 'action-warn', error: 'action-error' };

/** An outcome that can be good, mixed or bad (checks): coloured and announced by how it went. */
export function ToneStatus({ tone, testId, children }: { tone: Tone; testId?: string; children: ComponentChildren }) {
  return (
    <p class={TONE_CLASSES[tone]} role={tone === 'ok' ? 'status' : 'alert'} data-tone={tone} data-testid={testId}>
      {children}
    </p>
  );
}
