import { MigrationInterface, QueryRunner } from 'typeorm';

// Webhook delivery streams (src/webhooks/webhook-streams.ts): an instance
// leases an endpoint and sends its events straight from the event log,
// writing one delivery row per event once its first attempt has an outcome
// (or a pending row, when it must be retried). The relay's row per event
// before any attempt, and the lease update per attempt, are gone.
//
// - webhook_endpoints.lease_owner/lease_until: the instance streaming the
//   endpoint, until when. The cursor (cursor_tx, cursor_id) now marks how far
//   every event has a delivery row; it is moved only by the lease holder, in
//   the transaction that writes those rows.
// - webhook_instances: each instance that streams says it is alive every
//   pass, so that every one knows how many share the endpoints (one that
//   holds no lease yet counts too).
// - webhook_deliveries_event_idx (endpoint, event position), unique: one row
//   per (endpoint, event) at most; a new lease holder reads the rows after
//   the cursor through it (events already settled are not sent again), and
//   the deliveries log lists newest events first through it. It replaces
//   webhook_deliveries_log_idx (endpoint, id), so a delivery still pays for
//   two indexes (this and the primary key) outside the pending ones.
export class WebhookStreams1796195000000 implements MigrationInterface {
  name = 'WebhookStreams1796195000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_endpoints ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz`);
    await q.query(`CREATE TABLE webhook_instances (owner text PRIMARY KEY, seen_at timestamptz NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX webhook_deliveries_event_idx ON webhook_deliveries (endpoint_id, event_tx, event_row)`);
    await q.query(`DROP INDEX webhook_deliveries_log_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, id)`);
    await q.query(`DROP INDEX webhook_deliveries_event_idx`);
    await q.query(`DROP TABLE webhook_instances`);
    await q.query(`ALTER TABLE webhook_endpoints DROP COLUMN lease_owner, DROP COLUMN lease_until`);
  }
}
