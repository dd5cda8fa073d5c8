import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = [
  'selecting', 'queued', 'assigned', 'connecting', 'connected', 'finished', 'failed', 'switching', 'recovered',
  'scheduled', 'action_only', 'action_only_finished', 'deflected', 'voicemail', 'voicemail_received', 'voicemail_read',
];
const LIVE = ['assigned', 'connecting', 'switching', 'connected'];
const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

// Calls, their end users, participants, transfers, customer flags and the
// event log; pending outbound requests and idempotency keys. The call row
// is a projection of its event log (call_events), written in the same
// transaction as each event.
export class Calls1795431992000 implements MigrationInterface {
  name = 'Calls1795431992000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE end_users (
        id              bigserial PRIMARY KEY,
        company_id      bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        contact_id      bigint REFERENCES contacts(id) ON DELETE SET NULL,
        identifier      text,
        phone_number    text,
        out_contact_id  text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX end_users_company_phone_idx ON end_users (company_id, phone_number)`);
    await q.query(`CREATE INDEX end_users_contact_idx ON end_users (contact_id) WHERE contact_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE calls (
        id                    bigserial PRIMARY KEY,
        company_id            bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        parent_id             bigint REFERENCES calls(id),
        lang                  text NOT NULL DEFAULT 'en',
        call_type             text NOT NULL CHECK (call_type IN ('Voice Outbound (API)', 'Voice Inbound (API)', 'Voice Scheduled (API)')),
        status                text NOT NULL CHECK (status IN (${list(STATUSES)})),
        created_at            timestamptz NOT NULL,
        queued_at             timestamptz,
        assigned_at           timestamptz,
        connected_at          timestamptz,
        ends_at               timestamptz,
        scheduled_at          timestamptz,
        hold_ms               bigint NOT NULL DEFAULT 0,
        hold_started_at       timestamptz,
        rating                integer,
        has_feedback          boolean NOT NULL DEFAULT false,
        voip_provider         text NOT NULL DEFAULT 'voip_provider_twilio',
        out_ticket_id         text,
        out_ticket_url        text,
        verified              boolean NOT NULL DEFAULT false,
        recording_url         text,
        recording_permission  text NOT NULL DEFAULT 'not_asked' CHECK (recording_permission IN ('not_asked', 'granted', 'denied')),
        voicemail_reason      text NOT NULL DEFAULT 'not_voicemail',
        deflection            text NOT NULL DEFAULT 'no_deflection',
        deflection_details    jsonb NOT NULL DEFAULT '[]',
        disconnected_by       text NOT NULL DEFAULT 'disconnected_by_unknown',
        fail_reason           text NOT NULL DEFAULT 'nothing',
        fail_details          text,
        support_number        text,
        menu_id               bigint REFERENCES menus(id),
        agent_id              bigint REFERENCES agents(id),
        end_user_id           bigint REFERENCES end_users(id),
        offer_type            text,
        offer_events          jsonb NOT NULL DEFAULT '[]',
        answer_type           text NOT NULL DEFAULT 'manual',
        outbound_number       text,
        last_seq              integer NOT NULL DEFAULT 0,
        updated_at            timestamptz NOT NULL
      )`);
    // The Manager list: its sort columns and filters, always within a company.
    await q.query(`CREATE INDEX calls_company_created_idx ON calls (company_id, created_at, id)`);
    await q.query(`CREATE INDEX calls_company_updated_idx ON calls (company_id, updated_at, id)`);
    await q.query(`CREATE INDEX calls_company_scheduled_idx ON calls (company_id, scheduled_at, id) WHERE scheduled_at IS NOT NULL`);
    await q.query(`CREATE INDEX calls_company_status_idx ON calls (company_id, status, id)`);
    await q.query(`CREATE INDEX calls_company_type_idx ON calls (company_id, call_type, id)`);
    // The scheduler's claim of due calls, across companies.
    await q.query(`CREATE INDEX calls_due_idx ON calls (scheduled_at, id) WHERE status = 'scheduled'`);
    // Invariants the database holds even against racing instances: an agent
    // is on at most one live call; a call has at most one pending callback.
    await q.query(`CREATE UNIQUE INDEX calls_one_live_call_per_agent ON calls (agent_id) WHERE agent_id IS NOT NULL AND status IN (${list(LIVE)})`);
    await q.query(`CREATE UNIQUE INDEX calls_one_pending_callback ON calls (parent_id) WHERE parent_id IS NOT NULL AND status = 'scheduled'`);
    await q.query(`CREATE INDEX calls_parent_idx ON calls (parent_id) WHERE parent_id IS NOT NULL`);
    await q.query(`CREATE INDEX calls_agent_idx ON calls (agent_id) WHERE agent_id IS NOT NULL`);
    await q.query(`CREATE INDEX calls_menu_idx ON calls (menu_id) WHERE menu_id IS NOT NULL`);
    await q.query(`CREATE INDEX calls_end_user_idx ON calls (end_user_id) WHERE end_user_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE participants (
        id            bigserial PRIMARY KEY,
        call_id       bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        type          text NOT NULL CHECK (type IN ('agent', 'end_user')),
        status        text NOT NULL DEFAULT 'waiting',
        agent_id      bigint REFERENCES agents(id),
        end_user_id   bigint REFERENCES end_users(id),
        connected_at  timestamptz,
        ended_at      timestamptz,
        hold_ms       bigint,
        fail_reason   text NOT NULL DEFAULT 'nothing',
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX participants_call_idx ON participants (call_id, id)`);

    await q.query(`
      CREATE TABLE transfers (
        id             bigserial PRIMARY KEY,
        call_id        bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        status         text NOT NULL CHECK (status IN ('transferring', 'transferred', 'failed')),
        fail_reason    text NOT NULL DEFAULT 'nothing',
        from_menu_id   bigint REFERENCES menus(id),
        to_menu_id     bigint REFERENCES menus(id),
        from_agent_id  bigint REFERENCES agents(id),
        to_agent_id    bigint REFERENCES agents(id),
        created_at     timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX transfers_call_idx ON transfers (call_id, id)`);
    await q.query(`CREATE UNIQUE INDEX transfers_one_running ON transfers (call_id) WHERE status = 'transferring'`);

    await q.query(`
      CREATE TABLE call_customer_flags (
        call_id            bigint PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
        verified_customer  boolean NOT NULL DEFAULT false,
        bad_actor          boolean NOT NULL DEFAULT false,
        repeat_customer    boolean NOT NULL DEFAULT false,
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE call_events (
        id           bigserial PRIMARY KEY,
        call_id      bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        seq          integer NOT NULL,
        type         text NOT NULL,
        from_status  text,
        to_status    text NOT NULL,
        data         jsonb NOT NULL DEFAULT '{}',
        event_id     text,
        response     json,
        created_at   timestamptz NOT NULL,
        UNIQUE (call_id, seq)
      )`);
    await q.query(`CREATE UNIQUE INDEX call_events_event_id_key ON call_events (call_id, event_id) WHERE event_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE pending_calls (
        id               uuid PRIMARY KEY,
        company_id       bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        agent_id         bigint NOT NULL REFERENCES agents(id),
        request          jsonb NOT NULL,
        pending_action   text NOT NULL CHECK (pending_action IN ('select_outbound_number', 'select_end_user_number')),
        choices          text[] NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX pending_calls_company_idx ON pending_calls (company_id, created_at)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        company_id    bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        key           text NOT NULL,
        request_hash  text NOT NULL,
        call_id       bigint REFERENCES calls(id) ON DELETE SET NULL,
        status        integer,
        response      json,
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    // A menu's path from the root, as the call object shows it.
    await q.query(`
      CREATE FUNCTION menu_path(target bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
        WITH RECURSIVE up (id, parent_id, name, depth) AS (
          SELECT id, parent_id, name, 0 FROM menus WHERE id = target
          UNION ALL
          SELECT m.id, m.parent_id, m.name, up.depth + 1 FROM menus m JOIN up ON m.id = up.parent_id WHERE up.depth < 64
        )
        SELECT CASE WHEN count(*) = 0 THEN NULL ELSE jsonb_build_object(
          'items_count', count(*),
          'name', string_agg(name, ' / ' ORDER BY depth DESC),
          'materialized_path', string_agg(id::text, '/' ORDER BY depth DESC)) END
        FROM up
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION menu_path(bigint)`);
    for (const table of ['idempotency_keys', 'pending_calls', 'call_events', 'call_customer_flags', 'transfers', 'participants', 'calls', 'end_users']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
