/**
 * The API token lives in sessionStorage only: gone when the tab closes, never in a URL, and never in a
 * cookie (so the server never sees it on a page load, and no cross-site request can carry it).
 */
const KEY = 'registry.admin.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
