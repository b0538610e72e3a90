import type { Catalog, ModelPrice } from './catalog.types';

/*
 * What calls cost by the catalog's list prices, exactly: usage prices each call when it is written,
 * the snapshot reads budgets, spend reports and budgets format them.
 */

/** Spend is kept in billionths of a USD: catalog prices (USD per million tokens, 3 decimals) are whole numbers of it per token. */
export const NANOS_PER_USD = 1_000_000_000n;

export function priceOf(catalog: Catalog, provider: string, model: string | undefined): ModelPrice | undefined {
  if (model === undefined) return undefined;
  const entry = catalog.providers.get(provider);
  return (entry?.textModels.find((m) => m.id === model) ?? entry?.embeddingModels.find((m) => m.id === model))?.price;
}

/** The exact cost of one call's tokens; 0 without a price. */
export function costNanos(price: ModelPrice | undefined, inputTokens: bigint, outputTokens: bigint): bigint {
  if (!price) return 0n;
  const perToken = (perMTok: number) => BigInt(Math.round(perMTok * 1000));
  return perToken(price.inputPerMTok) * inputTokens + perToken(price.outputPerMTok) * outputTokens;
}

/** A USD amount as PostgreSQL's numeric gives it ("12.5000"), in nanos, exactly. */
export function usdToNanos(usd: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{0,9}))?\d*$/.exec(usd.trim());
  if (!match) throw new Error(`not a USD amount: ${JSON.stringify(usd)}`);
  const nanos = BigInt(match[2]) * NANOS_PER_USD + BigInt((match[3] ?? '').padEnd(9, '0'));
  return match[1] === '-' ? -nanos : nanos;
}

/** Nanos as a USD decimal string with 6 decimals (a millionth of a dollar is below any invoice's precision). */
export function formatUsd(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const micros = (abs + 500n) / 1000n;
  return `${negative ? '-' : ''}${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;
}
