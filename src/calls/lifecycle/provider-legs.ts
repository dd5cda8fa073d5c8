// A provider's event on a leg of the call (telephony), inside the event's
// transaction: the leg's own record moves on (never back), and the answer
// says whether the leg is still the call's current one (its latest attempt).
// An event of an older leg (a late one from the provider a call failed over
// from) must not move the call.
import type { Transaction } from '../../database/transaction';
import type { ProviderFacts } from './apply-event.command';

const LEG_STATES = `ARRAY['pending', 'dialing', 'ringing', 'answered', 'ended']`;

const RECORD_LEG_EVENT = `WITH leg AS (
    UPDATE telephony_legs
       SET provider_call_id = coalesce(provider_call_id, $3),
           state = CASE WHEN $4::text IS NOT NULL AND array_position(${LEG_STATES}, $4::text) > array_position(${LEG_STATES}, state) THEN $4::text ELSE state END,
           ended_at = CASE WHEN $4::text = 'ended' AND ended_at IS NULL THEN clock_timestamp() ELSE ended_at END,
           end_cause = CASE WHEN $4::text = 'ended' AND end_cause IS NULL THEN $5 ELSE end_cause END,
           ring_deadline = CASE WHEN $4::text IN ('answered', 'ended') THEN NULL ELSE ring_deadline END,
           watchdog_at = CASE WHEN $4::text = 'answered' THEN NULL ELSE watchdog_at END
     WHERE id = $2 AND call_id = $1
     RETURNING attempt)
  SELECT coalesce((SELECT attempt FROM leg) = (SELECT max(attempt) FROM telephony_legs WHERE call_id = $1), false) AS current`;

export async function recordLegEvent(tx: Transaction, callId: string, facts: ProviderFacts): Promise<boolean> {
  const [row] = await tx.query<{ current: boolean }>(RECORD_LEG_EVENT, [callId, facts.legRowId, facts.providerCallId, facts.legState, facts.cause]);
  return row?.current === true;
}

// The provider's facts as the call's log keeps them.
export function providerLog(facts: ProviderFacts): Record<string, unknown> {
  return {
    id: facts.providerId === null ? null : Number(facts.providerId),
    name: facts.providerName,
    kind: facts.kind,
    leg_id: facts.legId,
    call_id: facts.providerCallId,
    seq: facts.seq,
    reported: facts.reported,
    cause: facts.cause,
    sip_code: facts.sipCode,
    reason: facts.reason,
  };
}
