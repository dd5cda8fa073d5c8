import { MigrationInterface, QueryRunner } from 'typeorm';

// Telephony (src/telephony): the companies' voice providers, the simulator's
// rules, and the end user's legs the engine dials.
//
// A leg is the outbox of a dial. Two triggers on calls write it in the
// transaction of the change that needs it, whatever code path made the change:
// - a CCAI outbound call of a company with an enabled provider entering
//   `connecting` (its `connect`, or a `retry` after a provider failure) gets a
//   pending leg on the first enabled provider, by priority, that this call has
//   not tried yet. Committed with the event, so a dial is never lost; claimed
//   once (FOR UPDATE SKIP LOCKED) by one instance's dial worker, so never doubled.
// - a call leaving the live statuses asks for its open legs to be hung up
//   (a pending leg simply ends: it is never dialed).
// The instances that carry legs say they are alive (telephony_instances).
export class Telephony1796200000000 implements MigrationInterface {
  name = 'Telephony1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE voice_providers (
        id                    bigserial PRIMARY KEY,
        company_id            bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind                  text NOT NULL CHECK (kind IN ('sip', 'simulator')),
        priority              integer NOT NULL DEFAULT 1,
        sip_uri               text,
        sip_username          text,
        sip_password          text,
        sip_from_user         text,
        calls_per_second      integer NOT NULL DEFAULT 10 CHECK (calls_per_second BETWEEN 1 AND 1000),
        max_concurrent_calls  integer NOT NULL DEFAULT 50 CHECK (max_concurrent_calls BETWEEN 1 AND 100000),
        enabled               boolean NOT NULL DEFAULT true,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        CHECK (kind <> 'sip' OR sip_uri IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX voice_providers_company_idx ON voice_providers (company_id, priority, id)`);

    await q.query(`
      CREATE TABLE simulator_rules (
        id               bigserial PRIMARY KEY,
        company_id       bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        provider_id      bigint NOT NULL REFERENCES voice_providers(id) ON DELETE CASCADE,
        number           text,
        prefix           text,
        outcome          text NOT NULL CHECK (outcome IN ('answer', 'busy', 'no_answer', 'wrong_number', 'provider_error', 'no_response')),
        ring_ms          integer NOT NULL DEFAULT 500,
        dtmf             jsonb NOT NULL DEFAULT '[]',
        hangup_after_ms  integer,
        faults           jsonb NOT NULL DEFAULT '{}',
        created_at       timestamptz NOT NULL DEFAULT now(),
        CHECK ((number IS NULL) <> (prefix IS NULL))
      )`);
    await q.query(`CREATE INDEX simulator_rules_provider_idx ON simulator_rules (provider_id, id)`);

    // state: pending (waiting for its turn) → dialing → ringing → answered → ended.
    // ring_deadline: the engine's ring timer; watchdog_at: the watchdog's
    // (ring timeout + grace); each cleared once handled.
    await q.query(`
      CREATE TABLE telephony_legs (
        id                   bigserial PRIMARY KEY,
        company_id           bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        call_id              bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        attempt              integer NOT NULL,
        provider_id          bigint REFERENCES voice_providers(id) ON DELETE SET NULL,
        state                text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dialing', 'ringing', 'answered', 'ended')),
        instance_id          text,
        provider_call_id     text,
        dialed_at            timestamptz,
        ring_timeout_ms      integer,
        ring_deadline        timestamptz,
        watchdog_at          timestamptz,
        hangup_requested_at  timestamptz,
        ended_at             timestamptz,
        end_cause            text,
        created_at           timestamptz NOT NULL DEFAULT now(),
        UNIQUE (call_id, attempt)
      )`);
    await q.query(`CREATE INDEX telephony_legs_pending_idx ON telephony_legs (provider_id, id) WHERE state = 'pending'`);
    // Pacing: the dials of the last second, and the legs on the wire, per provider.
    await q.query(`CREATE INDEX telephony_legs_dialed_idx ON telephony_legs (provider_id, dialed_at) WHERE dialed_at IS NOT NULL`);
    await q.query(`CREATE INDEX telephony_legs_open_idx ON telephony_legs (provider_id) WHERE dialed_at IS NOT NULL AND ended_at IS NULL`);
    await q.query(`CREATE INDEX telephony_legs_ring_idx ON telephony_legs (ring_deadline) WHERE ring_deadline IS NOT NULL`);
    await q.query(`CREATE INDEX telephony_legs_watchdog_idx ON telephony_legs (watchdog_at) WHERE watchdog_at IS NOT NULL`);
    await q.query(`CREATE INDEX telephony_legs_hangup_idx ON telephony_legs (instance_id) WHERE hangup_requested_at IS NOT NULL AND ended_at IS NULL`);

    await q.query(`
      CREATE FUNCTION telephony_dial_end_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO telephony_legs (company_id, call_id, attempt, provider_id, created_at)
        SELECT NEW.company_id, NEW.id, coalesce((SELECT max(l.attempt) FROM telephony_legs l WHERE l.call_id = NEW.id), 0) + 1, p.id, clock_timestamp()
          FROM voice_providers p
         WHERE p.company_id = NEW.company_id AND p.enabled
           AND NOT EXISTS (SELECT 1 FROM telephony_legs t WHERE t.call_id = NEW.id AND t.provider_id = p.id)
         ORDER BY p.priority, p.id
         LIMIT 1;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER calls_dial_end_user AFTER UPDATE OF status ON calls FOR EACH ROW
        WHEN (NEW.status = 'connecting' AND OLD.status <> 'connecting' AND NEW.call_type = 'Voice Outbound (API)')
        EXECUTE FUNCTION telephony_dial_end_user()`);

    await q.query(`
      CREATE FUNCTION telephony_end_legs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE telephony_legs
           SET hangup_requested_at = clock_timestamp(),
               ended_at = CASE WHEN state = 'pending' THEN clock_timestamp() END,
               end_cause = CASE WHEN state = 'pending' THEN 'local_hangup' END,
               state = CASE WHEN state = 'pending' THEN 'ended' ELSE state END
         WHERE call_id = NEW.id AND ended_at IS NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER calls_end_legs AFTER UPDATE OF status ON calls FOR EACH ROW
        WHEN (OLD.status IN ('connecting', 'switching', 'connected') AND NEW.status NOT IN ('connecting', 'switching', 'connected')
              AND NEW.call_type = 'Voice Outbound (API)')
        EXECUTE FUNCTION telephony_end_legs()`);
    await q.query(`CREATE INDEX telephony_legs_call_open_idx ON telephony_legs (call_id) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX telephony_legs_instance_open_idx ON telephony_legs (instance_id) WHERE ended_at IS NULL AND instance_id IS NOT NULL`);

    // A call's own ring timeout (IVR calls' ring_timeout_seconds); null: the
    // instance's default (TELEPHONY_RING_TIMEOUT_MS).
    await q.query(`ALTER TABLE calls ADD COLUMN ring_timeout_seconds integer CHECK (ring_timeout_seconds BETWEEN 1 AND 600)`);

    // Instances carrying legs, and when each was last seen: the legs of an
    // instance gone silent (killed, or stopped) are ended by another.
    await q.query(`
      CREATE TABLE telephony_instances (
        id       text PRIMARY KEY,
        seen_at  timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER calls_end_legs ON calls`);
    await q.query(`DROP TRIGGER calls_dial_end_user ON calls`);
    await q.query(`DROP FUNCTION telephony_end_legs()`);
    await q.query(`DROP FUNCTION telephony_dial_end_user()`);
    await q.query(`DROP TABLE telephony_instances`);
    await q.query(`ALTER TABLE calls DROP COLUMN ring_timeout_seconds`);
    await q.query(`DROP TABLE telephony_legs`);
    await q.query(`DROP TABLE simulator_rules`);
    await q.query(`DROP TABLE voice_providers`);
  }
}
