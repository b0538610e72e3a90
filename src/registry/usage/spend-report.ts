/*
 * The shape of a spend report, as the service returns it and the API and the admin console read it.
 * Nothing here imports anything, so the console's bundle can share it.
 */

export const SPEND_GROUPS = ['provider', 'model', 'credential', 'key', 'day'] as const;
export type SpendGroup = (typeof SPEND_GROUPS)[number];

/** One row; a grouping it is not grouped by is absent. */
export interface SpendReportRow {
  provider?: string;
  /** null for usage without a model. */
  model?: string | null;
  credentialId?: string;
  /** The consumer key the calls were made with (through the gateway): its id, '0' for usage without a key. */
  keyId?: string;
  /** That key's name; '' for usage without a key (keyId '0'). */
  keyName?: string;
  day?: string;
  requests: string;
  inputTokens: string;
  outputTokens: string;
  /** USD, 6 decimals, from the catalog's prices at the time of each call. */
  costUsd: string;
}

/** Where each grouping's value is in a row (a key by its name; its id is beside it in keyId). */
export const SPEND_ROW_KEYS = {
  provider: 'provider',
  model: 'model',
  credential: 'credentialId',
  key: 'keyName',
  day: 'day',
} as const satisfies Record<SpendGroup, keyof SpendReportRow>;

/** Usage and cost from the daily sums (what is flushed), grouped as asked. */
export interface SpendReport {
  from: string;
  to: string;
  groupBy: SpendGroup[];
  rows: SpendReportRow[];
  totalUsd: string;
}
