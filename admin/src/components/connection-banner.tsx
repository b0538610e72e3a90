import { useEffect, useState } from 'preact/hooks';
import { isOnline, onConnectionChange } from '../api/connection';

/** Shown while the server cannot be reached; the polls go on and it goes away by itself. */
export function ConnectionBanner() {
  const [online, setOnline] = useState(isOnline());
  useEffect(() => onConnectionChange(setOnline), []);
  if (online) return null;
  return (
    <div class="banner banner-offline" role="alert" data-testid="connection-banner">
      Connection to the registry server lost. What you see may be out of date; retrying every few seconds…
    </div>
  );
}
