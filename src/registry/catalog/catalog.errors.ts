import { DomainError } from '../../common/domain-error';

/** One broken rule: where in the file (`providers.openai.text_models[2].context_length`) and what rule. */
export interface CatalogIssue {
  /** Dotted path inside the YAML document; `line L, column C` for syntax errors; '' for the file as a whole. */
  readonly path: string;
  readonly rule: string;
}

/**
 * The catalog cannot be used. Carries every issue found, not just the first, so an operator fixes the
 * file in one pass. Each message line reads `<file>: <path>: <rule>`, and the app refuses to start.
 */
export class CatalogError extends DomainError {
  readonly code = 'INVALID_CATALOG';
  readonly kind = 'misconfigured';

  constructor(
    readonly file: string,
    readonly issues: readonly CatalogIssue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
  }

  /** Path of the first issue, for callers that only show one. */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }

  /** Rule of the first issue. */
  get rule(): string {
    return this.issues[0]?.rule ?? '';
  }
}

export function formatIssue(file: string, issue: CatalogIssue): string {
  return issue.path ? `${file}: ${issue.path}: ${issue.rule}` : `${file}: ${issue.rule}`;
}
