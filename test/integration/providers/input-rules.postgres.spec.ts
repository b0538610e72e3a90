import { DataSource } from 'typeorm';
import { storableTextProblem } from '../../../src/common/json-guard/text-rules';
import { VALUE_LIMITS } from '../../../src/registry/catalog/catalog-values';
import { PRIORITY_MAX } from '../../../src/registry/catalog/catalog.types';
import { TIMESTAMPTZ_MIN } from '../../../src/registry/credentials/credential-input.rules';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

/*
 * The input rules claim to refuse exactly what PostgreSQL would refuse with a raw error. These tests
 * hold them to the database itself, so a rule that drifts from the schema or from PostgreSQL fails here.
 */
describe('input rules against PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.dataSource();
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function maxLength(table: string, column: string): Promise<number> {
    const [row] = await dataSource.query(
      `SELECT character_maximum_length AS n FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
      [table, column],
    );
    return row.n;
  }

  it('bounds slugs, display names and credential types by the columns they go to', async () => {
    expect(await maxLength('provider_configs', 'provider')).toBe(63); // SLUG_PATTERN: 2-63 characters
    expect(await maxLength('provider_configs', 'display_name')).toBe(VALUE_LIMITS.displayNameChars);
    expect(await maxLength('ai_credentials', 'credential_type')).toBe(50); // CREDENTIAL_TYPE_PATTERN: 1-50
    const [{ type }] = await dataSource.query(
      `SELECT data_type AS type FROM information_schema.columns WHERE table_name = 'provider_configs' AND column_name = 'priority'`,
    );
    expect(type).toBe('integer');
    expect(PRIORITY_MAX).toBeLessThan(2 ** 31);
  });

  describe('text in jsonb', () => {
    const refused = ['\u0000', 'a\u0000b', 'x\uD83D', '\uDE00x', '\uDE00\uD83D'];
    const stored = ['😀 🇫🇷', 'line\nbreak\ttab', '\u0001\u001f\u007f\u0085', '\uFFFD', '\u2028\u2029', 'é 中文'];

    it.each(refused)('%j: refused by the rule and by jsonb, as a value and as a key', async (text) => {
      expect(storableTextProblem(text)).toBeDefined();
      await expect(dataSource.query(`SELECT $1::jsonb`, [JSON.stringify({ a: text })])).rejects.toThrow();
      await expect(dataSource.query(`SELECT $1::jsonb`, [JSON.stringify({ [text]: 1 })])).rejects.toThrow();
    });

    it.each(stored)('%j: allowed by the rule and stored unchanged by jsonb', async (text) => {
      expect(storableTextProblem(text)).toBeUndefined();
      const [{ value }] = await dataSource.query(`SELECT $1::jsonb AS value`, [JSON.stringify({ [text]: text })]);
      expect(value).toEqual({ [text]: text });
    });
  });

  describe('timestamptz', () => {
    const roundTrip = async (date: Date): Promise<Date> => (await dataSource.query(`SELECT $1::timestamptz AS t`, [date]))[0].t;

    it('starts exactly at TIMESTAMPTZ_MIN', async () => {
      expect((await roundTrip(TIMESTAMPTZ_MIN)).getTime()).toBe(TIMESTAMPTZ_MIN.getTime());
      await expect(roundTrip(new Date(TIMESTAMPTZ_MIN.getTime() - 1))).rejects.toThrow(/out of range/);
      await expect(roundTrip(new Date(-8.64e15))).rejects.toThrow(/out of range/);
    });

    it('holds the last JavaScript date, so no upper bound is needed', async () => {
      expect((await roundTrip(new Date(8.64e15))).getTime()).toBe(8.64e15);
    });
  });
});
