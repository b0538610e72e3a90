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

/** A value in the envelope: as `data` (null for none), or a WithMeta's data and meta. */
function envelopeOf(value: unknown): ApiEnvelope<unknown> {
  return value instanceof WithMeta
    ? { data: value.data, meta: value.meta, status: 'success', message: 'OK' }
    : { data: value ?? null, meta: {}, status: 'success', message: 'OK' };
}

/**
 * An answer already in the envelope and serialized, for a route that hands the same answer to many
 * requests (SerializedAnswers): sent as these bytes. Its route declares the JSON content type.
 */
export class SerializedEnvelope {
  constructor(readonly bytes: Buffer) {}

  static of(value: unknown): SerializedEnvelope {
    return new SerializedEnvelope(Buffer.from(JSON.stringify(envelopeOf(value))));
  }
}

/** A controller's answer as it is sent: in the envelope, or a SerializedEnvelope's bytes as they are. */
export function toEnvelope(value: unknown): ApiEnvelope<unknown> | Buffer {
  return value instanceof SerializedEnvelope ? value.bytes : envelopeOf(value);
}
