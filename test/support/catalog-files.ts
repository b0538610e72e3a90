import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';

export const SHIPPED_CATALOG = path.resolve(__dirname, '../../config/providers.yaml');

type CatalogDocument = any;

/** Writes a variant of the shipped catalog to a temp file and returns its path. */
export function writeCatalogVariant(mutate: (doc: CatalogDocument) => void): string {
  const doc = parse(fs.readFileSync(SHIPPED_CATALOG, 'utf8'));
  mutate(doc);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-catalog-'));
  const file = path.join(dir, 'providers.yaml');
  fs.writeFileSync(file, stringify(doc));
  return file;
}
