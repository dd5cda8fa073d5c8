import { MigrationInterface, QueryRunner } from 'typeorm';

// Every row of the call event log written from now on carries the call's
// view as that event left it (`call_view`, json: keys in the order they were
// built) — the `data.call` of the outgoing event (webhooks, the live
// stream), and the answer a retry with the same dedupe key gets again.
// Until now only events with a dedupe key stored it (as `answer`).
//
// Retention (EVENT_RETENTION_HOURS) empties call_view of old rows; the log
// rows themselves stay: they are the call's history.
export class CallViews1796170000000 implements MigrationInterface {
  name = 'CallViews1796170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE call_events RENAME COLUMN answer TO call_view`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE call_events RENAME COLUMN call_view TO answer`);
  }
}
