import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { CatalogError, CatalogIssue } from './catalog.errors';
import { toCatalog } from './catalog.mapper';
import { Catalog } from './catalog.types';
import { validateCatalogDocument } from './catalog.validate';

/**
 * Reads and validates the provider catalog. `path` is used as given in error messages, so pass it
 * the way the operator wrote it (e.g. the CATALOG_PATH setting) rather than an absolute path.
 * Throws CatalogError listing every problem; returns a deeply frozen Catalog.
 */
export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new CatalogError(path, [{ path: '', rule: `cannot read the catalog: ${reason}` }]);
  }
  return parseCatalog(text, path);
}

/** Same as loadCatalog for text already in memory; `fileLabel` names the source in error messages. */
export function parseCatalog(text: string, fileLabel: string): Catalog {
  const lineCounter = new LineCounter();
  const yaml = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (yaml.errors.length > 0) {
    throw new CatalogError(
      fileLabel,
      yaml.errors.map((error): CatalogIssue => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: `line ${line}, column ${col}`, rule: `YAML syntax error: ${error.message}` };
      }),
    );
  }

  let raw: unknown;
  try {
    raw = yaml.toJS();
  } catch (error) {
    // e.g. an alias to an undefined anchor, or an alias bomb beyond yaml's maxAliasCount.
    throw new CatalogError(fileLabel, [{ path: '', rule: `YAML error: ${(error as Error).message}` }]);
  }

  const result = validateCatalogDocument(raw);
  if (result.document === undefined) throw new CatalogError(fileLabel, result.issues);
  return toCatalog(result.document, fileLabel);
}
