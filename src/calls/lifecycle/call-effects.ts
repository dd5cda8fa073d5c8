// The database side of the machine's effects, beyond the call's own columns
// (which the projection computes and the event's write stores): participants,
// transfers, agents' statuses, the parent of a callback. Deferred: they
// travel with the next statement the transaction sends, or its COMMIT.
import { unreachable } from '../../common/domain-error';
import type { Transaction } from '../../database/transaction';
import { LockedCall, lockParent } from './call-locks';
import type { CallEffect } from './machine/call.machine';

// What an effect may ask of the lifecycle itself: `recoverParent` applies the
// engine's `recover` to the parent call, through the one way a call changes.
export type ApplyToParent = (tx: Transaction, parent: LockedCall) => Promise<void>;

export async function carryOut(tx: Transaction, call: LockedCall, effect: CallEffect, at: Date, recoverParent: ApplyToParent): Promise<void> {
  switch (effect.type) {
    case 'assignAgent':
      tx.defer(`UPDATE agents SET status = 'busy', updated_at = $2 WHERE id = $1`, [effect.params.agentId, at]);
      tx.defer(`INSERT INTO participants (call_id, type, agent_id, status, created_at, updated_at) VALUES ($1, 'agent', $2, 'waiting', $3, $3)`, [call.id, effect.params.agentId, at]);
      return;
    case 'agentParticipantFails':
      tx.defer(
        `UPDATE participants SET status = 'failed', ended_at = $2, fail_reason = $3, updated_at = $2 WHERE call_id = $1 AND type = 'agent' AND ended_at IS NULL`,
        [call.id, at, effect.params.failReason],
      );
      return;
    case 'releaseAgent':
      if (call.agent_id !== null) release(tx, call.agent_id, at);
      return;
    case 'participantsTo':
      if (effect.params.status === 'connected') {
        tx.defer(`UPDATE participants SET status = 'connected', connected_at = $2, hold_ms = 0, updated_at = $2 WHERE call_id = $1 AND ended_at IS NULL`, [call.id, at]);
      } else if (effect.params.status === 'finished') {
        tx.defer(`UPDATE participants SET status = 'finished', ended_at = $2, updated_at = $2 WHERE call_id = $1 AND ended_at IS NULL`, [call.id, at]);
      } else {
        tx.defer(`UPDATE participants SET status = $3, updated_at = $2 WHERE call_id = $1 AND ended_at IS NULL`, [call.id, at, effect.params.status]);
      }
      return;
    case 'closeHold':
      if (call.hold_started_at) creditHold(tx, call.id, call.hold_started_at, at);
      return;
    case 'openTransfer':
      tx.defer(
        `INSERT INTO transfers (call_id, status, from_menu_id, to_menu_id, from_agent_id, to_agent_id, created_at, updated_at)
         VALUES ($1, 'transferring', $2, $3, $4, $5, $6, $6)`,
        [call.id, call.menu_id, effect.params.toMenuId ?? null, call.agent_id, effect.params.toAgentId ?? null, at],
      );
      // The target agent is held for this call until the transfer ends.
      if (effect.params.toAgentId !== undefined) tx.defer(`UPDATE agents SET status = 'busy', updated_at = $2 WHERE id = $1`, [effect.params.toAgentId, at]);
      return;
    case 'completeTransfer': {
      tx.defer(`UPDATE transfers SET status = 'transferred', updated_at = $2 WHERE call_id = $1 AND status = 'transferring'`, [call.id, at]);
      const toAgent = call.open_transfer?.to_agent_id;
      if (toAgent != null) {
        // The agent leaving is credited its part of a hold still open.
        if (call.hold_started_at) creditHold(tx, call.id, call.hold_started_at, at);
        tx.defer(`UPDATE participants SET status = 'finished', ended_at = $2, updated_at = $2 WHERE call_id = $1 AND type = 'agent' AND ended_at IS NULL`, [call.id, at]);
        tx.defer(
          `INSERT INTO participants (call_id, type, agent_id, status, connected_at, hold_ms, created_at, updated_at) VALUES ($1, 'agent', $2, 'connected', $3, 0, $3, $3)`,
          [call.id, toAgent, at],
        );
        if (call.agent_id !== null && call.agent_id !== toAgent) release(tx, call.agent_id, at);
      }
      return;
    }
    case 'failTransfer':
      tx.defer(`UPDATE transfers SET status = 'failed', fail_reason = $3, updated_at = $2 WHERE call_id = $1 AND status = 'transferring'`, [call.id, at, effect.params.failReason]);
      if (call.open_transfer?.to_agent_id != null) release(tx, call.open_transfer.to_agent_id, at);
      return;
    case 'recoverParent':
      if (call.parent_id !== null) {
        const parent = await lockParent(tx, call.parent_id);
        if (parent && parent.status === 'failed') await recoverParent(tx, parent);
      }
      return;
    // The call's own columns: computed by the projection, written with the event.
    case 'stamp':
    case 'setMenu':
    case 'setSchedule':
    case 'appendOffer':
    case 'clearAgent':
    case 'setVoipProvider':
    case 'openHold':
    case 'endCall':
    case 'setDeflection':
    case 'setVoicemail':
    case 'setRecording':
      return;
    default:
      return unreachable(effect);
  }
}

// The agent on the call is credited the part of a hold (from holdStart to
// `at`) since it joined: an agent a transfer brought in during the hold
// only from then.
function creditHold(tx: Transaction, callId: string, holdStart: Date, at: Date): void {
  tx.defer(
    `UPDATE participants
        SET hold_ms = coalesce(hold_ms, 0) + round(extract(epoch FROM $2::timestamptz - greatest($3::timestamptz, connected_at)) * 1000), updated_at = $2
      WHERE call_id = $1 AND type = 'agent' AND ended_at IS NULL`,
    [callId, at, holdStart],
  );
}

function release(tx: Transaction, agentId: number, at: Date): void {
  tx.defer(`UPDATE agents SET status = 'available', updated_at = $2 WHERE id = $1 AND status = 'busy'`, [agentId, at]);
}
