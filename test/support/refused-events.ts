import type { Queryable } from '../../src/database/database';

// A test-only trigger: the database refuses the log row of one event type
// for one call (so that event's write fails, as a constraint or a broken
// trigger would make it). Answers the function that removes the trigger.
export async function refuseLogRows(db: Queryable, name: string, eventType: string, callId: number | string): Promise<() => Promise<void>> {
  await db.query(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.type = '${eventType}' AND NEW.call_id = ${Number(callId)} THEN RAISE EXCEPTION '${eventType} refused by the test'; END IF;
      RETURN NEW;
    END $$`);
  await db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON call_events FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return async () => {
    await db.query(`DROP TRIGGER ${name} ON call_events`);
    await db.query(`DROP FUNCTION ${name}()`);
  };
}
