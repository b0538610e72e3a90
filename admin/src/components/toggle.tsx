interface ToggleProps {
  checked: boolean;
  label: string;
  disabled?: boolean;
  busy?: boolean;
  onChange: (next: boolean) => void;
}

/** A switch: a real button (keyboard: Tab, Space, Enter) with role=switch and its state in words. */
export function Toggle({ checked, label, disabled, busy, onChange }: ToggleProps) {
  return (
    <button
      type="button"
      role="switch"
      class={`toggle ${checked ? 'on' : 'off'}`}
      aria-checked={checked}
      aria-label={label}
      aria-busy={busy ? 'true' : undefined}
      disabled={disabled || busy}
      onClick={() => onChange(!checked)}
    >
      <span class="toggle-track" aria-hidden="true">
        <span class="toggle-thumb" />
      </span>
      <span class="toggle-text">{checked ? 'On' : 'Off'}</span>
    </button>
  );
}
