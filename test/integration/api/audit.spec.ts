import { createHash } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { runAsActor } from '../../../src/common/actor-context';
import { AUDIT_ACTIONS } from '../../../src/server/audit/audit-actions';
import { AdminTokenBootstrap } from '../../../src/server/auth/admin-token-bootstrap.service';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { rowsOf } from '../../../src/common/raw-rows';
import { withActor } from '../../../src/common/with-actor';
import { credentialAad } from '../../../src/registry/key-ring/credential-aad';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { KeyRing } from '../../../src/registry/key-ring/key-ring';
import { UsageService } from '../../../src/registry/usage/usage.service';
import { TEST_KEY_1, TEST_KEY_2 } from '../../support/registry-app';
import { freePort } from '../../support/server-process';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-audit-tests-0123456789';
const KEYS = {
  openai: 'sk-proj-AuditFirst0123456789abcdefWXYZ',
  openaiReplaced: 'sk-proj-AuditSecond9876543210fedcbaQRST',
  openaiPatched: 'sk-proj-AuditThird5555555555aaaaaaaaLMNO',
  anthropic: 'sk-ant-api03-AuditKey0123456789abcdefghij',
  old: 'sk-or-v1-AuditOldKeyUnderK1-0123456789abcdef',
};

interface EventRow {
  id: string;
  actor: string;
  action: string;
  provider: string | null;
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe('Audit trail (GET /api/audit)', () => {
  let testApp: TestApp | undefined;
  let db: TestDatabase;
  let app: INestApplication;
  let reader: DataSource;
  let ops: string;
  let viewer: string;
  const http = () => request(app.getHttpServer());
  const asOps = () => ({ Authorization: `Bearer ${ops}` });

  beforeAll(async () => {
    // k2 encrypts; k1 still decrypts, so a row under k1 can be rotated.
    const env = { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, CREDENTIALS_KEYS: `k2:${TEST_KEY_2},k1:${TEST_KEY_1}` };
    testApp = await startTestApp(env, { migrated: false });
    ({ db, app } = testApp);
    const tokens = app.get(ApiTokensService);
    ops = (await tokens.create('ops', 'admin')).token;
    viewer = (await tokens.create('dashboard', 'viewer')).token;
    reader = await db.dataSource();
  });

  afterAll(() => testApp?.close());

  async function lastId(): Promise<string> {
    const [row] = await reader.query(`SELECT coalesce(max(id), 0)::text AS id FROM audit_events`);
    return row.id as string;
  }

  async function eventsAfter(id: string): Promise<EventRow[]> {
    return reader.query(`SELECT id::text, actor, action, provider, target, before, after FROM audit_events WHERE id > $1 ORDER BY id`, [
      id,
    ]);
  }

  /** The events `write` caused, after checking it answered `status`. */
  async function eventsOf(write: () => request.Test | Promise<unknown>, status?: number): Promise<EventRow[]> {
    const mark = await lastId();
    const response = await write();
    if (status !== undefined) expect((response as request.Response).status).toBe(status);
    return eventsAfter(mark);
  }

  async function openaiCredentialId(): Promise<string> {
    const listed = await http().get('/api/providers/openai/credentials').set(asOps()).expect(200);
    return listed.body.data[0].id as string;
  }

  it('records each write through the API once, as the token that made it, with before and after', async () => {
    const disabled = await eventsOf(() => http().post('/api/providers/openai/disable').set(asOps()), 200);
    expect(disabled).toEqual([
      expect.objectContaining({
        actor: 'ops',
        action: 'provider.disabled',
        provider: 'openai',
        before: { enabled: true },
        after: { enabled: false },
      }),
    ]);
    const enabled = await eventsOf(() => http().post('/api/providers/openai/enable').set('Authorization', `Bearer ${BOOTSTRAP}`), 200);
    expect(enabled).toEqual([expect.objectContaining({ actor: 'bootstrap', action: 'provider.enabled', after: { enabled: true } })]);

    const priority = await eventsOf(() => http().patch('/api/providers/anthropic').set(asOps()).send({ priority: 7 }), 200);
    expect(priority).toEqual([
      expect.objectContaining({
        actor: 'ops',
        action: 'provider.overrides_changed',
        provider: 'anthropic',
        before: { priorityOverride: null },
        after: { priorityOverride: 7 },
      }),
    ]);
    const preferences = await eventsOf(
      () =>
        http()
          .patch('/api/providers/anthropic')
          .set(asOps())
          .send({ uiPreferences: { color: 'teal' } }),
      200,
    );
    expect(preferences).toEqual([
      expect.objectContaining({
        action: 'provider.preferences_changed',
        before: { uiPreferences: {} },
        after: { uiPreferences: { color: 'teal' } },
      }),
    ]);
    // One PATCH is one event, whatever it changes; the action names the weightiest change.
    const both = await eventsOf(
      () =>
        http()
          .patch('/api/providers/anthropic')
          .set(asOps())
          .send({ enabled: false, uiPreferences: { color: 'red' } }),
      200,
    );
    expect(both).toEqual([
      expect.objectContaining({
        action: 'provider.disabled',
        before: { enabled: true, uiPreferences: { color: 'teal' } },
        after: { enabled: false, uiPreferences: { color: 'red' } },
      }),
    ]);
    // Nothing changed, nothing to record.
    expect(await eventsOf(() => http().post('/api/providers/anthropic/disable').set(asOps()), 200)).toEqual([]);

    const stored = await eventsOf(
      () =>
        http()
          .post('/api/providers/openai/credentials')
          .set(asOps())
          .send({ apiKey: KEYS.openai, uiMetadata: { label: 'prod' } }),
      201,
    );
    const id = await openaiCredentialId();
    expect(stored).toEqual([
      expect.objectContaining({
        actor: 'ops',
        action: 'credential.stored',
        provider: 'openai',
        target: id,
        after: {
          provider: 'openai',
          credentialType: 'api_key',
          isActive: true,
          expiresAt: null,
          baseUrl: null,
          uiMetadata: { label: 'prod' },
          keyId: 'k2',
        },
      }),
    ]);
    const replaced = await eventsOf(
      () => http().post('/api/providers/openai/credentials').set(asOps()).send({ apiKey: KEYS.openaiReplaced }),
      201,
    );
    expect(replaced).toEqual([
      expect.objectContaining({
        action: 'credential.replaced',
        target: id,
        before: { uiMetadata: { label: 'prod' } },
        after: { uiMetadata: {}, secret: 'replaced' },
      }),
    ]);

    // A PATCH that leaves the secret alone does not claim it was replaced.
    const deactivated = await eventsOf(
      () => http().patch(`/api/providers/openai/credentials/${id}`).set(asOps()).send({ isActive: false }),
      200,
    );
    expect(deactivated).toEqual([
      expect.objectContaining({ action: 'credential.deactivated', target: id, before: { isActive: true }, after: { isActive: false } }),
    ]);
    const patchedSecret = await eventsOf(
      () => http().patch(`/api/providers/openai/credentials/${id}`).set(asOps()).send({ apiKey: KEYS.openaiPatched, isActive: true }),
      200,
    );
    expect(patchedSecret).toEqual([
      expect.objectContaining({
        action: 'credential.replaced',
        before: { isActive: false },
        after: { isActive: true, secret: 'replaced' },
      }),
    ]);
    const relabelled = await eventsOf(
      () =>
        http()
          .patch(`/api/providers/openai/credentials/${id}`)
          .set(asOps())
          .send({ uiMetadata: { label: 'main' } }),
      200,
    );
    expect(relabelled).toEqual([
      expect.objectContaining({ action: 'credential.updated', before: { uiMetadata: {} }, after: { uiMetadata: { label: 'main' } } }),
    ]);

    await http().post('/api/providers/anthropic/credentials').set(asOps()).send({ apiKey: KEYS.anthropic }).expect(201);
    const anthropicId = (await http().get('/api/providers/anthropic/credentials').set(asOps())).body.data[0].id as string;
    const removed = await eventsOf(() => http().delete(`/api/providers/anthropic/credentials/${anthropicId}`).set(asOps()), 200);
    expect(removed).toEqual([
      expect.objectContaining({
        actor: 'ops',
        action: 'credential.removed',
        provider: 'anthropic',
        target: anthropicId,
        before: expect.objectContaining({ credentialType: 'api_key', keyId: 'k2' }),
        after: null,
      }),
    ]);
  });

  it('records a catalog sync per provider it changed, and a write from psql as "database"', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const byHand = await eventsOf(() =>
        client.query(`UPDATE provider_configs SET display_name = 'Renamed by hand' WHERE provider = 'openrouter'`),
      );
      expect(byHand).toEqual([
        expect.objectContaining({
          actor: 'database',
          action: 'provider.catalog_updated',
          provider: 'openrouter',
          before: { displayName: 'OpenRouter' },
          after: { displayName: 'Renamed by hand' },
        }),
      ]);
      // A transaction-local actor ends with its transaction: the same session's next write names none.
      await client.query('BEGIN');
      await client.query(`SELECT set_config('ai_registry.actor', 'someone', true)`);
      await client.query(`UPDATE provider_configs SET priority_override = 3 WHERE provider = 'openrouter'`);
      await client.query('COMMIT');
      const afterLocal = await eventsOf(() =>
        client.query(`UPDATE provider_configs SET priority_override = 4 WHERE provider = 'openrouter'`),
      );
      expect(afterLocal).toEqual([expect.objectContaining({ actor: 'database', after: { priorityOverride: 4 } })]);
    } finally {
      await client.end();
    }

    expect(await eventsOf(() => http().post('/api/catalog/sync').set(asOps()).send({ dryRun: true }), 200)).toEqual([]);
    const synced = await eventsOf(() => http().post('/api/catalog/sync').set(asOps()).send({}), 200);
    expect(synced).toEqual([
      expect.objectContaining({
        actor: 'ops',
        action: 'provider.catalog_updated',
        provider: 'openrouter',
        before: { displayName: 'Renamed by hand' },
        after: { displayName: 'OpenRouter' },
      }),
    ]);
  });

  it('records nothing for a write that fails, before the database or inside it', async () => {
    const read = await http().get('/api/providers/openai').set(asOps()).expect(200);
    const failed: Array<[() => request.Test, number]> = [
      // Refused by the service's JSON guard (the DTO lets any object through).
      [
        () =>
          http()
            .patch('/api/providers/openai')
            .set(asOps())
            .send({ uiPreferences: { api_key: 'sk-live-0123456789abcdefghij' } }),
        400,
      ],
      [() => http().patch('/api/providers/nope').set(asOps()).send({ priority: 1 }), 404],
      [() => http().post('/api/providers/nope/credentials').set(asOps()).send({ apiKey: KEYS.openai }), 404],
      [() => http().delete('/api/providers/openai/credentials/999999').set(asOps()), 404],
      [() => http().post('/api/providers/openai/disable').set('Authorization', `Bearer ${viewer}`), 403],
    ];
    await http().patch('/api/providers/openai').set(asOps()).send({ priority: 2 }).expect(200);
    // The If-Match is stale by now: the UPDATE runs and matches nothing.
    failed.push([
      () =>
        http()
          .patch('/api/providers/openai')
          .set(asOps())
          .set('If-Match', read.headers.etag as string)
          .send({ priority: 9 }),
      412,
    ]);
    for (const [write, status] of failed) expect(await eventsOf(write, status)).toEqual([]);

    // A write whose transaction fails after the statement: the event goes with the change.
    const dataSource = app.get(DataSource);
    const mark = await lastId();
    await expect(
      runAsActor('ops', () =>
        withActor(dataSource, async (runner) => {
          await rowsOf(runner, `UPDATE provider_configs SET enabled = false WHERE provider = 'openai'`);
          throw new Error('fails after the write');
        }),
      ),
    ).rejects.toThrow('fails after the write');
    expect(await eventsAfter(mark)).toEqual([]);
    expect((await reader.query(`SELECT enabled FROM provider_configs WHERE provider = 'openai'`))[0].enabled).toBe(true);
  });

  it('records nothing for usage flushes, health checks and token use', async () => {
    await http()
      .post('/api/providers/openai/credentials')
      .set(asOps())
      .send({ apiKey: KEYS.openai, baseUrl: `http://127.0.0.1:${await freePort()}/v1` })
      .expect(201);
    const mark = await lastId();
    const usage = app.get(UsageService);
    usage.record('openai', { requests: 3, inputTokens: 10, outputTokens: 5, credentialId: await openaiCredentialId() });
    await usage.flush();
    const probed = await http().post('/api/providers/openai/test').set(asOps()).expect(200);
    expect(probed.body.data).toMatchObject({ provider: 'openai', probed: true, status: 'degraded' });
    for (let i = 0; i < 3; i++) await http().get('/api/providers').set('Authorization', `Bearer ${viewer}`).expect(200);
    const [written] = await reader.query(
      `SELECT p.usage_count::int AS usage, p.last_health_check IS NOT NULL AS checked, c.input_tokens::int AS tokens
       FROM provider_configs p JOIN ai_credentials c ON c.provider_config_id = p.id WHERE p.provider = 'openai'`,
    );
    expect(written).toEqual({ usage: 3, checked: true, tokens: 10 });
    expect(await eventsAfter(mark)).toEqual([]);
  });

  it('records tokens created and revoked (never their hash), and a key rotation as re-encryption', async () => {
    const tokens = app.get(ApiTokensService);
    const created = await eventsOf(() => runAsActor('ops', () => tokens.create('ci', 'viewer')));
    expect(created).toEqual([
      expect.objectContaining({
        actor: 'ops',
        action: 'token.created',
        provider: null,
        target: 'ci',
        after: { name: 'ci', role: 'viewer', expiresAt: null, revokedAt: null },
      }),
    ]);
    const revoked = await eventsOf(() => tokens.revoke('ci'));
    expect(revoked).toEqual([
      expect.objectContaining({ actor: 'database', action: 'token.revoked', target: 'ci', before: { revokedAt: null } }),
    ]);
    // A restart with the same BOOTSTRAP_ADMIN_TOKEN rewrites that row to what it already is.
    expect(await eventsOf(() => app.get(AdminTokenBootstrap).onApplicationBootstrap())).toEqual([]);

    // A credential under the old key k1, as an earlier deployment left it.
    const oldRing = new KeyRing([{ id: 'k1', key: Buffer.from(TEST_KEY_1, 'base64') }]);
    const envelope = oldRing.encrypt(KEYS.old, credentialAad('openrouter', 'api_key', null));
    await reader.query(
      `INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials) VALUES ('openrouter', 'api_key', $1)`,
      [envelope],
    );
    const rotation = await eventsOf(() => runAsActor('ops', () => app.get(CredentialsService).rotate()));
    expect(rotation).toEqual([
      expect.objectContaining({
        actor: 'ops',
        action: 'credential.reencrypted',
        provider: 'openrouter',
        before: { keyId: 'k1' },
        after: { keyId: 'k2' },
      }),
    ]);
  });

  it('never holds a secret: no key, envelope, token or token hash anywhere in the table', async () => {
    const [{ text }] = await reader.query(`SELECT coalesce(string_agg(row_to_json(e)::text, E'\\n'), '') AS text FROM audit_events e`);
    expect(text).toContain('"secret": "replaced"');
    const tokenHash = createHash('sha256').update(BOOTSTRAP).digest('hex');
    for (const secret of [...Object.values(KEYS), BOOTSTRAP, ops, viewer, tokenHash]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/v1:k\d:/);
    const actions = await reader.query(`SELECT DISTINCT action FROM audit_events`);
    for (const { action } of actions) expect(AUDIT_ACTIONS).toContain(action);
  });

  it('lists events newest first for any token, filtered and a page at a time', async () => {
    await http().get('/api/audit').expect(401);
    const all = (await http().get('/api/audit?limit=200').set('Authorization', `Bearer ${viewer}`).expect(200)).body;
    expect(all).toMatchObject({ status: 'success', meta: { limit: 200, nextCursor: null } });
    const ids = all.data.map((e: { id: string }) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(Object.keys(all.data[0]).sort()).toEqual(['action', 'actor', 'after', 'before', 'id', 'occurredAt', 'provider', 'target']);

    const byProvider = (await http().get('/api/audit?provider=openai&limit=200').set(asOps()).expect(200)).body.data;
    expect(byProvider.length).toBeGreaterThan(3);
    expect(byProvider.every((e: EventRow) => e.provider === 'openai')).toBe(true);
    const byActor = (await http().get('/api/audit?actor=ops&action=credential.replaced').set(asOps()).expect(200)).body.data;
    expect(byActor.length).toBe(3); // two in the first test, one when the health test stored a key again
    expect(byActor.every((e: EventRow) => e.actor === 'ops' && e.action === 'credential.replaced')).toBe(true);
    const [middle] = await reader.query(`SELECT occurred_at FROM audit_events WHERE action = 'token.revoked'`);
    const since = (
      await http()
        .get(`/api/audit?since=${(middle.occurred_at as Date).toISOString()}&limit=200`)
        .set(asOps())
        .expect(200)
    ).body.data;
    expect(since.length).toBeGreaterThan(0);
    expect(since.length).toBeLessThan(all.data.length);
    expect(since.every((e: { occurredAt: string }) => e.occurredAt >= (middle.occurred_at as Date).toISOString())).toBe(true);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http()
        .get(`/api/audit?actor=ops&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .set(asOps())
        .expect(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      paged.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.meta.nextCursor as string | null;
    } while (cursor);
    const opsIds = all.data.filter((e: EventRow) => e.actor === 'ops').map((e: EventRow) => e.id);
    expect(opsIds.length).toBeGreaterThan(6);
    expect(paged).toEqual(opsIds);

    const bad = await http()
      .get('/api/audit?limit=500&action=provider.exploded&since=yesterday&actor=Robert%27%29%3B')
      .set(asOps())
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['action', 'actor', 'limit', 'since']);
    const badCursor = await http().get('/api/audit?cursor=bm9wZQ').set(asOps()).expect(400);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });
});
