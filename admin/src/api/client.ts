import { setOnline } from './connection';
import { forgetToken, storedToken } from './session';
import type { Envelope, FieldError } from './types';

/** An answer of the API that was not a success, with its words and field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldError[] = [],
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The server could not be reached at all. */
export class OfflineError extends Error {
  constructor() {
    super('The registry server cannot be reached. Retrying…');
  }
}

type SignedOutListener = () => void;
let onSignedOut: SignedOutListener = () => undefined;

/** Called when the API answers 401: the token expired or was revoked, so the page asks for one again. */
export function whenSignedOut(listener: SignedOutListener): void {
  onSignedOut = listener;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  /** Use this token instead of the stored one (the sign-in check). */
  token?: string;
}

export interface ApiAnswer<T> {
  data: T;
  meta: Record<string, unknown>;
  headers: Headers;
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** Calls a documented /api route with the session's token and unwraps the envelope. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
  const token = options.token ?? storedToken();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(urlOf(`/api${path}`, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    setOnline(false);
    throw new OfflineError();
  }
  setOnline(true);
  // A proxy's error page or an empty answer is not an envelope: the status code then speaks alone.
  const envelope = (await response.json().catch(() => null)) as Envelope<T> | null;
  if (!response.ok || !envelope || envelope.status !== 'success') {
    if (response.status === 401 && options.token === undefined) {
      forgetToken();
      onSignedOut();
    }
    throw new ApiError(
      response.status,
      envelope?.message ?? `The server answered ${response.status} ${response.statusText}`,
      envelope?.errors ?? [],
      envelope?.meta ?? {},
    );
  }
  return { data: envelope.data as T, meta: envelope.meta, headers: response.headers };
}

/** Words for any failure of a call, to show next to what caused it. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Not allowed: ${error.message}`;
    if (error.status === 429) return `Too many requests: ${error.message}`;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
