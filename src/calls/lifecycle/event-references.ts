// References in an event (agents by e-mail, menus by id) resolved inside the
// event's transaction into the facts the machine's guards read. Agents that
// may take the call are locked, so two calls cannot take one agent at once.
import type { Transaction } from '../../database/transaction';
import { menuIsAfterHoursAt } from '../../menus/business-hours';
import { callError } from '../call-errors';
import type { ApplyCallEvent, EventInput } from './apply-event.command';
import type { LockedCall } from './call-locks';
import { lifecycleError } from './lifecycle-errors';
import { CallEvent, acceptsEventType } from './machine/call.machine';

// Events that look up (and may lock) another row before the machine
// decides. The others need nothing but the locked call.
export const LOOKS_UP: ReadonlySet<EventInput['type']> = new Set(['assign', 'read_voicemail', 'transfer', 'select_menu', 'reschedule']);

// Events applied alone, never in a group: those that look up another row,
// and providers' events (they read their leg, and may be recorded as stale).
export function runsAlone(command: ApplyCallEvent): boolean {
  return LOOKS_UP.has(command.event.type) || command.provider !== undefined;
}

export async function resolveReferences(tx: Transaction, companyId: string, input: EventInput, call: LockedCall): Promise<CallEvent> {
  // An event the status never takes is refused before any lookup.
  if (!acceptsEventType(call.status, input.type)) throw lifecycleError('notAllowed', input.type, call.status);
  switch (input.type) {
    case 'reschedule': {
      const [menu] = call.menu_id === null ? [] : await tx.query(`SELECT state, business_hours FROM menus WHERE id = $1`, [call.menu_id]);
      if (menu && menuIsAfterHoursAt({ state: menu.state, businessHours: menu.business_hours }, new Date(input.scheduledAt))) throw callError('afterHours');
      return input;
    }
    case 'select_menu': {
      const [menu] = await tx.query(
        `SELECT m.id::int AS id, NOT EXISTS (SELECT 1 FROM menus k WHERE k.parent_id = m.id AND NOT k.deleted) AS leaf
           FROM menus m WHERE m.company_id = $1 AND m.id = $2 AND NOT m.deleted`,
        [companyId, input.menuId],
      );
      if (!menu) throw lifecycleError('menuNotFound', input.menuId);
      return { type: 'select_menu', menuId: menu.id, menuIsLeaf: menu.leaf };
    }
    case 'assign': {
      const agent = await findAgent(tx, companyId, input.agentEmail, 'agent_email', true);
      return { type: 'assign', agentId: agent.id, agentAvailable: agent.status === 'available' };
    }
    case 'read_voicemail': {
      const agent = await findAgent(tx, companyId, input.agentEmail, 'agent_email', false);
      return { type: 'read_voicemail', agentId: agent.id };
    }
    case 'transfer': {
      if ('toMenuId' in input) {
        const [menu] = await tx.query(`SELECT id::int AS id FROM menus WHERE company_id = $1 AND id = $2 AND NOT deleted`, [companyId, input.toMenuId]);
        if (!menu) throw lifecycleError('menuNotFound', input.toMenuId, 'to_menu_id');
        return { type: 'transfer', toMenuId: menu.id };
      }
      const agent = await findAgent(tx, companyId, input.toAgentEmail, 'to_agent_email', true);
      return { type: 'transfer', toAgentId: agent.id, toAgentAvailable: agent.status === 'available' };
    }
    default:
      return input;
  }
}

async function findAgent(tx: Transaction, companyId: string, email: string, field: string, lock: boolean): Promise<{ id: number; status: string }> {
  const [agent] = await tx.query(
    `SELECT id::int AS id, status FROM agents WHERE company_id = $1 AND lower(email) = lower($2)${lock ? ' FOR UPDATE' : ''}`,
    [companyId, email],
  );
  if (!agent) throw lifecycleError('agentNotFound', field);
  return agent;
}
