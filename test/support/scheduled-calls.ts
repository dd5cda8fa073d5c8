// Scheduled calls straight into the database, as the API writes them: the
// call row and its "created" event, due at `dueSql`, an SQL expression (of i,
// the call's number, if wanted). Used by the scheduling tests and the
// dispatch benchmark, on the app's Database or a pg Pool alike.
export async function insertScheduledCalls(
  db: { query(text: string, params: unknown[]): Promise<unknown> },
  companyId: string,
  menuId: string | number,
  count: number,
  dueSql: string,
): Promise<void> {
  await db.query(
    `WITH eu AS (INSERT INTO end_users (company_id, phone_number) VALUES ($1, '+18596579625') RETURNING id),
     c AS (
       INSERT INTO calls (company_id, call_type, status, lang, created_at, scheduled_at, menu_id, end_user_id, last_seq, updated_at)
       SELECT $1, 'Voice Scheduled (API)', 'scheduled', 'en', now(), ${dueSql}, $2, eu.id, 1, now()
         FROM generate_series(1, $3) AS i, eu
       RETURNING id, scheduled_at)
     INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, source, created_at)
     SELECT id, $1, 1, 'created', NULL, 'scheduled', jsonb_build_object('call_type', 'Voice Scheduled (API)', 'menu_id', $2::int, 'scheduled_at', scheduled_at), 'client', now() FROM c`,
    [companyId, menuId, count],
  );
}
