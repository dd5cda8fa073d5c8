import { MigrationInterface, QueryRunner } from 'typeorm';

// The call's event log becomes the engine's outbox: every change of a call
// writes one row in the transaction of the change, and consumers (webhooks,
// the live stream) read the rows of a company in commit order.
//
// - company_id: the rows of one company, read by position without a join.
// - tx: the writing transaction's id (pg_current_xact_id(), xid8). A
//   position is (tx, id). A reader takes only rows whose tx is below the
//   oldest transaction still running (pg_snapshot_xmin of its snapshot):
//   every transaction below it has ended, so no row can later appear behind
//   a position a reader has passed (src/events/event-log.ts).
// - source: who caused the event — client, scheduler, engine, provider.
//   Rows before this migration: `recover` is the engine's, everything else
//   is recorded as the client's (a `dispatch` may have come from either).
// - answer (json: keys kept in the order they were built): for an event with a dedupe key (`event_id`), the call's view row
//   as the event left it, stored by the statement that writes the event; a
//   replay presents it again. Rows before this migration keep their
//   presented answer in `response`.
export class EventLogOutbox1796161338000 implements MigrationInterface {
  name = 'EventLogOutbox1796161338000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE call_events ADD COLUMN company_id bigint`);
    await q.query(`UPDATE call_events e SET company_id = c.company_id FROM calls c WHERE c.id = e.call_id`);
    await q.query(`ALTER TABLE call_events ALTER COLUMN company_id SET NOT NULL`);
    await q.query(`ALTER TABLE call_events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`ALTER TABLE call_events ADD COLUMN source text NOT NULL DEFAULT 'client' CHECK (source IN ('client', 'scheduler', 'engine', 'provider'))`);
    await q.query(`UPDATE call_events SET source = 'engine' WHERE type = 'recover'`);
    await q.query(`ALTER TABLE call_events ALTER COLUMN source DROP DEFAULT`);
    await q.query(`ALTER TABLE call_events ADD COLUMN answer json`);
    await q.query(`CREATE INDEX call_events_position_idx ON call_events (company_id, tx, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX call_events_position_idx`);
    await q.query(`ALTER TABLE call_events DROP COLUMN answer, DROP COLUMN source, DROP COLUMN tx, DROP COLUMN company_id`);
  }
}
