import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's request log: one row per call (src/registry/request-log), written in batches by each
 * instance's flush and pruned past REQUEST_LOG_DAYS. Ids are made by the writing instance (UUIDs
 * beginning with their time), so a retried flush inserts nothing twice. Every filter of
 * `GET /api/requests` has an index ending in (started_at, id), the keyset its pages walk newest first.
 */
export class CreateRequestLog1764000016500 implements MigrationInterface {
  name = 'CreateRequestLog1764000016500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "request_log" (
        "id" uuid NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "kind" character varying(16) NOT NULL,
        "consumer_key_id" bigint,
        "model_asked" character varying(200),
        "stream" boolean NOT NULL,
        "provider" character varying(63),
        "model" character varying(200),
        "result" character varying(32) NOT NULL,
        "upstream_status" smallint,
        "error_code" character varying(64),
        "failed_attempts" jsonb NOT NULL,
        "input_tokens" integer,
        "output_tokens" integer,
        "cost_nanos" bigint NOT NULL,
        "latency_ms" integer NOT NULL,
        "time_to_first_token_ms" integer,
        CONSTRAINT "PK_request_log" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_request_log_started" ON "request_log" ("started_at", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_request_log_key_started" ON "request_log" ("consumer_key_id", "started_at", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_request_log_provider_started" ON "request_log" ("provider", "started_at", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_request_log_model_started" ON "request_log" ("model", "started_at", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_request_log_result_started" ON "request_log" ("result", "started_at", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_request_log_status_started" ON "request_log" ("upstream_status", "started_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "request_log"`);
  }
}
