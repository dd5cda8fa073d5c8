// All SQL on the end user's legs (telephony_legs, the dial outbox; rows are
// written by the calls table's triggers, migrations/…-Telephony.ts). Claims
// are FOR UPDATE SKIP LOCKED, so any number of instances share the work and
// each row is taken by one.
import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import type { VoiceProviderKind } from '../voice-provider.port';

export interface ProviderForDial {
  id: string;
  company_id: string;
  name: string;
  kind: VoiceProviderKind;
  enabled: boolean;
  sip_uri: string | null;
  sip_username: string | null;
  sip_password: string | null;
  sip_from_user: string | null;
  calls_per_second: number;
  max_concurrent_calls: number;
  recent: number; // dials in the pacing window
  open: number; // legs on the wire for live calls
}

export interface ClaimedLeg {
  id: string;
  ring_timeout_ms: number | null;
  call_id: string;
  company_id: string;
  attempt: number;
  to_number: string | null;
  from_number: string | null;
}

export interface TimedLeg {
  id: string;
  ring_timeout_ms: number | null;
  call_id: string;
  company_id: string;
  attempt: number;
  state: string;
  current: boolean;
}

const CLAIMED_COLUMNS = `l.id, l.call_id, l.company_id, l.attempt, l.ring_timeout_ms,
  (SELECT eu.phone_number FROM calls c JOIN end_users eu ON eu.id = c.end_user_id WHERE c.id = l.call_id) AS to_number,
  (SELECT c.outbound_number FROM calls c WHERE c.id = l.call_id) AS from_number`;

@Injectable()
export class LegsRepository {
  constructor(private readonly db: Database) {}

  // Providers with legs waiting for their turn (null: a deleted provider).
  async providersWithPendingLegs(): Promise<Array<string | null>> {
    const rows = await this.db.query<{ provider_id: string | null }>(`SELECT DISTINCT provider_id FROM telephony_legs WHERE state = 'pending'`);
    return rows.map((row) => row.provider_id);
  }

  // Under the provider's lock (one claimer per provider at a time, across
  // instances; a busy one is skipped, not waited for): as many pending legs
  // as calls_per_second (dials in the last second and the margin) and
  // max_concurrent_calls (legs on the wire of live calls) allow, oldest
  // first, marked dialed by this instance. Committed before anything is
  // dialed: a leg is dialed at most once.
  async claimForDial(
    providerId: string,
    instanceId: string,
    timing: { windowMs: number; ringTimeoutMs: number; watchdogGraceMs: number; batch: number },
  ): Promise<{ provider: ProviderForDial | null; legs: ClaimedLeg[] }> {
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended('telephony-provider:' || $1, 0)) AS locked`, [providerId]);
      if (!locked) return { provider: null, legs: [] };
      const [provider] = await tx.query<ProviderForDial>(
        `SELECT p.id, p.company_id, p.name, p.kind, p.enabled, p.sip_uri, p.sip_username, p.sip_password, p.sip_from_user, p.calls_per_second, p.max_concurrent_calls,
                (SELECT count(*) FROM telephony_legs d WHERE d.provider_id = p.id AND d.dialed_at > clock_timestamp() - make_interval(secs => $2::float8 / 1000))::int AS recent,
                (SELECT count(*) FROM telephony_legs o JOIN calls c ON c.id = o.call_id
                  WHERE o.provider_id = p.id AND o.dialed_at IS NOT NULL AND o.ended_at IS NULL AND c.status IN ('connecting', 'switching', 'connected'))::int AS open
           FROM voice_providers p WHERE p.id = $1`,
        [providerId, timing.windowMs],
      );
      if (!provider) return { provider: null, legs: [] };
      // A disabled provider dials nothing: its waiting legs are taken to fail over.
      const room = provider.enabled ? Math.min(provider.calls_per_second - provider.recent, provider.max_concurrent_calls - provider.open, timing.batch) : timing.batch;
      if (room <= 0) return { provider, legs: [] };
      const legs = await tx.query<ClaimedLeg>(
        `WITH picked AS (
           SELECT l.id FROM telephony_legs l JOIN calls c ON c.id = l.call_id
            WHERE l.provider_id = $1 AND l.state = 'pending' AND c.status = 'connecting'
            ORDER BY l.id LIMIT $3 FOR UPDATE OF l SKIP LOCKED)
         , timed AS (
           SELECT p.id, coalesce(c.ring_timeout_seconds * 1000, $4::int) AS ring_ms
             FROM picked p JOIN telephony_legs t ON t.id = p.id JOIN calls c ON c.id = t.call_id)
         UPDATE telephony_legs l
            SET state = 'dialing', instance_id = $2, dialed_at = clock_timestamp(), ring_timeout_ms = timed.ring_ms,
                ring_deadline = clock_timestamp() + make_interval(secs => timed.ring_ms::float8 / 1000),
                watchdog_at = clock_timestamp() + make_interval(secs => (timed.ring_ms + $5::int)::float8 / 1000)
           FROM timed WHERE l.id = timed.id
         RETURNING ${CLAIMED_COLUMNS}`,
        [providerId, instanceId, room, timing.ringTimeoutMs, timing.watchdogGraceMs],
      );
      return { provider, legs };
    });
  }

  // Legs whose provider was deleted while they waited: taken to fail over.
  claimOrphaned(instanceId: string, watchdogMs: number): Promise<ClaimedLeg[]> {
    return this.db.query<ClaimedLeg>(
      `WITH picked AS (SELECT id FROM telephony_legs WHERE state = 'pending' AND provider_id IS NULL ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
       UPDATE telephony_legs l SET state = 'dialing', instance_id = $1, dialed_at = clock_timestamp(), watchdog_at = clock_timestamp() + make_interval(secs => $2::float8 / 1000)
         FROM picked WHERE l.id = picked.id
       RETURNING ${CLAIMED_COLUMNS}`,
      [instanceId, watchdogMs],
    );
  }

  // The next provider a call fails over to: the first enabled one, by
  // priority, it has not tried (the same choice as the dial trigger's).
  async nextProvider(companyId: string, callId: string): Promise<{ id: string; name: string; kind: VoiceProviderKind } | null> {
    const [row] = await this.db.query(
      `SELECT p.id, p.name, p.kind FROM voice_providers p
        WHERE p.company_id = $1 AND p.enabled AND NOT EXISTS (SELECT 1 FROM telephony_legs t WHERE t.call_id = $2 AND t.provider_id = p.id)
        ORDER BY p.priority, p.id LIMIT 1`,
      [companyId, callId],
    );
    return row ?? null;
  }

  // Due timers (the ring timer's deadline, or the watchdog's), each taken by
  // one instance and cleared as it is taken.
  dueTimers(column: 'ring_deadline' | 'watchdog_at'): Promise<TimedLeg[]> {
    return this.db.query<TimedLeg>(
      `WITH due AS (SELECT id FROM telephony_legs WHERE ${column} <= clock_timestamp() ORDER BY ${column} LIMIT 100 FOR UPDATE SKIP LOCKED)
       UPDATE telephony_legs l SET ${column} = NULL FROM due WHERE l.id = due.id
       RETURNING l.id, l.call_id, l.company_id, l.attempt, l.state, l.ring_timeout_ms,
                 NOT EXISTS (SELECT 1 FROM telephony_legs n WHERE n.call_id = l.call_id AND n.attempt > l.attempt) AS current`,
    );
  }

  // This instance is alive (every tick).
  async heartbeat(instanceId: string): Promise<void> {
    await this.db.query(`INSERT INTO telephony_instances (id, seen_at) VALUES ($1, clock_timestamp()) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, [instanceId]);
  }

  async dialingCompanies(): Promise<string[]> {
    const rows = await this.db.query<{ company_id: string }>(`SELECT DISTINCT company_id FROM voice_providers WHERE enabled`);
    return rows.map((row) => String(row.company_id));
  }

  // Legs on the wire of instances not seen within `silentMs` (or stopped):
  // taken (ended, cause agent_lost) by one instance, to end their calls.
  takeOverSilent(silentMs: number): Promise<Array<TimedLeg & { answered: boolean }>> {
    return this.db.query(
      `WITH silent AS (
         SELECT l.id, l.state AS was FROM telephony_legs l
          WHERE l.ended_at IS NULL AND l.instance_id IS NOT NULL AND l.state IN ('dialing', 'ringing', 'answered')
            AND NOT EXISTS (SELECT 1 FROM telephony_instances i WHERE i.id = l.instance_id AND i.seen_at > clock_timestamp() - make_interval(secs => $1::float8 / 1000))
          ORDER BY l.id LIMIT 100 FOR UPDATE SKIP LOCKED)
       UPDATE telephony_legs l SET ended_at = clock_timestamp(), end_cause = 'agent_lost', ring_deadline = NULL, watchdog_at = NULL,
              state = 'ended'
         FROM silent WHERE l.id = silent.id
       RETURNING l.id, l.call_id, l.company_id, l.attempt, l.state, l.ring_timeout_ms, silent.was = 'answered' AS answered,
                 NOT EXISTS (SELECT 1 FROM telephony_legs n WHERE n.call_id = l.call_id AND n.attempt > l.attempt) AS current`,
      [silentMs],
    );
  }

  // This instance's legs whose calls ended: to hang up.
  toHangUp(instanceId: string): Promise<Array<{ id: string; call_id: string; attempt: number }>> {
    return this.db.query(`SELECT id, call_id, attempt FROM telephony_legs WHERE instance_id = $1 AND hangup_requested_at IS NOT NULL AND ended_at IS NULL`, [instanceId]);
  }

  async hungUp(legRowId: string): Promise<void> {
    await this.db.query(
      `UPDATE telephony_legs SET state = 'ended', ended_at = clock_timestamp(), end_cause = coalesce(end_cause, 'local_hangup'), ring_deadline = NULL
        WHERE id = $1 AND ended_at IS NULL`,
      [legRowId],
    );
  }
}
