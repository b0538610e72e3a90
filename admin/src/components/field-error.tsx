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
