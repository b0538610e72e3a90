import { waitFor } from '../../support/server-process';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase, onRealPostgres } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-tests-0123456789abcdef';
const WORKERS = 8;
/** Enough answers that failed for the database's sake to say what they look like; a bound on the whole run. */
const FAILURES_WANTED = 10;
const MAX_REQUESTS = 5_000;

interface Answer {
  status: number;
  retryAfter?: string;
  code?: string;
}

/** PostgreSQL only: the embedded database has no pg_terminate_backend for another session. */
(onRealPostgres ? describe : describe.skip)('lost database connections', () => {
  let testApp: TestApp | undefined;
  let db: TestDatabase;
  let base: string;
  const audit = () => fetch(`${base}/api/audit?limit=5`, { headers: { Authorization: `Bearer ${BOOTSTRAP}` } });

  beforeAll(async () => {
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, LOG_LEVEL: 'silent' }, { listen: true });
    db = testApp.db;
    base = testApp.url!;
  });

  afterAll(() => testApp?.close());

  it("answers 503 with Retry-After, never 500, while the server's sessions are terminated under load", async () => {
    const admin = await db.dataSource();
    const answers: Answer[] = [];
    const failed = () => answers.filter((answer) => answer.status >= 300).length;
    const done = () => failed() >= FAILURES_WANTED || answers.length >= MAX_REQUESTS;
    let terminated = 0;

    const worker = async () => {
      while (!done()) {
        const response = await audit();
        const body = (await response.json()) as { meta?: { code?: string } };
        answers.push({ status: response.status, retryAfter: response.headers.get('retry-after') ?? undefined, code: body.meta?.code });
      }
    };
    const terminator = async () => {
      while (!done()) {
        const rows: unknown[] = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'ai-provider-registry'`,
        );
        terminated += rows.length;
        // Let requests run on fresh connections before the next round.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([terminator(), ...Array.from({ length: WORKERS }, worker)]);

    expect(terminated).toBeGreaterThan(0);
    const failures = answers.filter((answer) => answer.status >= 300);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((answer) => answer.status !== 503 || !answer.retryAfter || answer.code !== 'DATABASE_UNAVAILABLE')).toEqual([]);
    expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);

    // Once the sessions are left alone, the server answers again on new ones.
    await waitFor('a 200 after the terminations', async () => {
      const response = await audit();
      await response.body?.cancel();
      return response.status === 200 ? true : undefined;
    });
  });
});
