import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './server-process';

/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator. The library is ESM-only,
 * which jest's CommonJS runtime cannot load, so it runs in a plain Node process fed the document.
 */
export function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const result = await new Validator().validate(JSON.parse(input));
    process.stdout.write(JSON.stringify(result));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, input: JSON.stringify(document) });
  return JSON.parse(output.toString('utf8')) as { valid: boolean; errors?: unknown };
}
