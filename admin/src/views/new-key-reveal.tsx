import { useEffect, useRef, useState } from 'preact/hooks';
import type { CreatedConsumerKey } from '../api/types';
import { ActionStatus } from '../components/field-error';
import { clientSnippet, type KnownModel } from '../keys';

/**
 * A key just created: the one time it exists outside the caller, in a read-only field to copy, with
 * how to use it. It lives only in this component's state (never in storage or a URL); "I have stored
 * it" or leaving the page drops it, and the API never answers it again.
 */
export function NewKeyReveal({
  created,
  known,
  onDone,
}: {
  created: CreatedConsumerKey;
  known: readonly KnownModel[];
  onDone: () => void;
}) {
  const field = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<{ error: string | null; done: string | null }>({ error: null, done: null });

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, []);

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy({ error: null, done: 'Copied to the clipboard.' });
    } catch {
      field.current?.focus();
      field.current?.select();
      setCopy({ error: 'The browser did not allow copying: the key is selected, press Ctrl+C (⌘C).', done: null });
    }
  }

  return (
    <section class="card new-key" aria-labelledby="new-key-title" data-testid="new-key">
      <h2 id="new-key-title">Key created: {created.name}</h2>
      <p class="once-note" id="new-key-note">
        <strong>Copy the key now: you will not see it again.</strong> The registry keeps only its hash, so neither this page nor the API can
        show it later. If it is lost, revoke it and create another.
      </p>
      <label for="new-key-value">Key</label>
      <div class="copy-row">
        <input
          id="new-key-value"
          ref={field}
          readOnly
          value={created.key}
          spellcheck={false}
          autoComplete="off"
          aria-describedby="new-key-note"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copyKey()}>
          Copy key
        </button>
      </div>
      <ActionStatus error={copy.error} done={copy.done} />
      <h3>Use it with the OpenAI client</h3>
      <p class="hint">Any OpenAI client works with this server's gateway as its base URL and the key as its API key (Node shown):</p>
      <pre class="snippet">
        <code data-testid="client-snippet">{clientSnippet(location.origin, created.models, known)}</code>
      </pre>
      <div class="actions">
        <button type="button" class="primary" onClick={onDone}>
          I have stored the key
        </button>
      </div>
    </section>
  );
}
