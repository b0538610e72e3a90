/** Every answer of the REST API: `{ data, meta, status, message }`; errors add `errors`. */
export interface ApiEnvelope<T> {
  data: T | null;
  meta: Record<string, unknown>;
  status: 'success' | 'error';
  message: string;
  errors?: ApiFieldError[];
}

export interface ApiFieldError {
  field: string;
  rule: string;
  message: string;
}

/** What a controller returns when the answer has meta of its own (a page of a list). */
export class WithMeta<T> {
  constructor(
    readonly data: T,
    readonly meta: Record<string, unknown>,
  ) {}
}

/** A controller's answer in the envelope: its value as `data` (null for none), or a WithMeta's data and meta. */
export function toEnvelope(value: unknown): ApiEnvelope<unknown> {
  return value instanceof WithMeta
    ? { data: value.data, meta: value.meta, status: 'success', message: 'OK' }
    : { data: value ?? null, meta: {}, status: 'success', message: 'OK' };
}
