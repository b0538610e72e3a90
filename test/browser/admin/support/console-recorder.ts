import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page, Request as PwRequest } from 'playwright-core';
import { REPO_ROOT } from '../../../support/server-process';
import { unlabelledControls } from './console-page';

const SHOTS = path.join(REPO_ROOT, 'artifacts', 'admin');

/** A screenshot of a main view (CI keeps artifacts/admin/), after checking its controls are labelled. */
export async function shot(target: Page, name: string): Promise<void> {
  expect(await unlabelledControls(target)).toEqual([]);
  fs.mkdirSync(SHOTS, { recursive: true });
  await target.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Everything the console's pages send and receive, and what they raise, kept to be searched and checked. */
export class ConsoleRecorder {
  readonly requests: PwRequest[] = [];
  private readonly answers: Array<Promise<{ url: string; text: string } | null>> = [];
  readonly cspViolations: string[] = [];
  readonly pageErrors: string[] = [];

  watch(target: Page): void {
    target.on('request', (request) => this.requests.push(request));
    target.on('response', (response) => {
      this.answers.push(
        response
          .body()
          .then((body) => ({ url: response.url(), text: body.toString('utf8') }))
          .catch(() => null),
      );
    });
    target.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) this.cspViolations.push(message.text());
    });
    target.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  /** Every answer received so far, with its URL and body as text. */
  async bodies(): Promise<Array<{ url: string; text: string }>> {
    return (await Promise.all(this.answers)).filter((b): b is { url: string; text: string } => b !== null);
  }

  /** The /api paths the pages called, and the calls (method and path) the server's OpenAPI document does not list. */
  async apiCalls(origin: string): Promise<{ called: Set<string>; undocumented: string[] }> {
    const document = (await (await fetch(`${origin}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
    const api = this.requests.filter((r) => new URL(r.url()).pathname.startsWith('/api/'));
    return {
      called: new Set(api.map((r) => new URL(r.url()).pathname)),
      undocumented: api
        .filter((r) => !routes.some((route) => route.method === r.method() && route.pattern.test(new URL(r.url()).pathname)))
        .map((r) => `${r.method()} ${new URL(r.url()).pathname}`),
    };
  }
}
