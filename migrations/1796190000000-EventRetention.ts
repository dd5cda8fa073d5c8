import { MigrationInterface, QueryRunner } from 'typeorm';

// Retention of outgoing events (src/events/event-retention.ts): the sweep's
// cursor, one row shared by every instance. Every call_events row with an id
// up to swept_to is past the retention (its call_view emptied) or kept for
// good (a dedupe key's answer). The sweep claims the row with FOR UPDATE SKIP
// LOCKED, so one instance sweeps at a time; the polling list reads it to find
// where the retained part of the log begins (src/live/live.repository.ts).
export class EventRetention1796190000000 implements MigrationInterface {
  name = 'EventRetention1796190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_retention (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        swept_to  bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`INSERT INTO event_retention DEFAULT VALUES`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_retention`);
  }
}
