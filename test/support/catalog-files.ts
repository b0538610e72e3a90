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

/**
 * The shipped catalog plus `count` generated OpenAI-compatible providers (gen_0000…, one text model
 * each), so that every one of them is a catalog provider: labelled by its slug in metrics, synced at
 * start. For tests and benchmarks of work that must not grow with the number of providers.
 */
export function writeCatalogWithGeneratedProviders(count: number): string {
  return writeCatalogVariant((doc) => {
    for (let i = 0; i < count; i++) {
      const slug = generatedProvider(i);
      doc.providers[slug] = {
        display_name: `Generated ${i}`,
        probe: 'openai_compatible',
        base_url: `http://127.0.0.1:9/${slug}/v1`,
        requires_api_key: false,
        priority: 100,
        text_models: [{ id: 'model', name: 'Model', context_length: 8192 }],
      };
    }
  });
}

export function generatedProvider(i: number): string {
  return `gen_${String(i).padStart(4, '0')}`;
}
