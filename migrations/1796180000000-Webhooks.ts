import { MigrationInterface, QueryRunner } from 'typeorm';

// Webhooks (shared spec events-api.md): a company's endpoints, and one
// delivery row per (endpoint, outgoing event) it subscribed to.
//
// - webhook_endpoints.cursor_tx/cursor_id: the last event-log position
//   (tx, id) the relay turned into deliveries for this endpoint; moved in the
//   transaction that inserts them, so each event becomes a delivery once.
//   start_snapshot (pg_current_snapshot() at creation): the events whose
//   transactions it shows as committed came before the endpoint and are not
//   delivered to it; every later one is.
// - webhook_deliveries.event_row/event_tx: the call_events row (its id and
//   position) the delivery carries; the body is built from it at each
//   attempt (the call as that event left it), so a delivery row stays small
//   and its updates cheap (fillfactor 70: the lease's update is HOT).
// - lease_until: while set and in the future, one instance is attempting the
//   delivery; an instance killed mid-attempt leaves it to expire.
export class Webhooks1796180000000 implements MigrationInterface {
  name = 'Webhooks1796180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id                    bigserial PRIMARY KEY,
        company_id            bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        url                   text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
        event_types           text[] NOT NULL DEFAULT '{}',
        description           text CHECK (length(description) <= 500),
        status                text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
        secret                text NOT NULL,
        previous_secret       text,
        previous_secret_until timestamptz,
        cursor_tx             xid8 NOT NULL,
        cursor_id             bigint NOT NULL,
        start_snapshot        pg_snapshot NOT NULL,
        disabled_reason       text,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_company_idx ON webhook_endpoints (company_id, id)`);
    await q.query(`CREATE INDEX webhook_endpoints_enabled_idx ON webhook_endpoints (company_id, id) WHERE status = 'enabled'`);

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id              bigserial PRIMARY KEY,
        endpoint_id     bigint NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        company_id      bigint NOT NULL,
        event_row       bigint NOT NULL,
        event_tx        xid8 NOT NULL,
        event_type      text NOT NULL,
        call_id         bigint NOT NULL,
        seq             integer NOT NULL,
        status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts        jsonb NOT NULL DEFAULT '[]',
        next_attempt_at timestamptz,
        lease_until     timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 70)`);
    // The worker's claim: due pending deliveries, and for each, whether an
    // earlier one of the same (endpoint, call) is still pending.
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, call_id, seq) WHERE status = 'pending'`);
    // The deliveries log (newest first). Retention walks the primary key
    // (ids grow with created_at). Each index is paid by every delivery (and
    // the unique (endpoint, event) one would be a second guard of what the
    // relay's cursor already makes exactly once), so there are no others.
    await q.query(`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}
