import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '../../database/database';
import { CallChanges } from '../call-changes';
import { menuIsAfterHoursAt } from '../../menus/business-hours';
import type { BusinessHours, MenuState } from '../../menus/menu';
import { callError } from '../call-errors';
import type { CallViewRow } from '../call-view';
import { CallsRepository, MenuForCall, NewCall } from '../calls.repository';
import { CALL_TYPES } from '../ccai/create-call.request';
import {
  CompletePendingCall,
  CreateCall,
  CreateInboundCall,
  CreateOutboundCall,
  CreateScheduledCall,
  Field,
  IdRef,
  IdempotencyClaim,
  RecordingPermission,
  valueOf,
  valueOrNull,
} from './create-call.command';
import { PendingCallsRepository, PendingChoices } from './pending-calls.repository';

// A call created (its view), or an outbound request parked while a choice is open.
export type CreatedCall = { created: true; view: CallViewRow } | { created: false; pending: PendingCallBody };

export interface PendingCallBody {
  id: string;
  call_type: string;
  agent_email: string;
  end_user_number: string | null;
  ticket_id: string | null;
  lang: string;
  pending_action: 'select_outbound_number' | 'select_end_user_number';
  choices: string[];
}

type Contact = NonNullable<Awaited<ReturnType<CallsRepository['findContact']>>>;

// An outbound call whose agent, end user and numbers are known; either
// placed at once or parked as a pending request while a choice is open.
interface OutboundDraft {
  agentId: string;
  agentEmail: string;
  ticketId: string | null;
  contact: Contact | null;
  lang: string;
  requestedNumber: string | null; // end_user_number as sent, E.164
  endUserNumber: string | null;
  outboundNumber: string | null; // as configured
  ringTimeoutSeconds?: number | null; // absent on requests parked before it existed
  choices: PendingChoices;
}

// The contract's checks for each call shape, in its order (the first
// failure answers), then the call written with everything it starts with.
@Injectable()
export class CallCreation {
  constructor(
    private readonly db: Database,
    private readonly calls: CallsRepository,
    private readonly pending: PendingCallsRepository,
    private readonly changes: CallChanges,
  ) {}

  async create(command: CreateCall): Promise<CreatedCall> {
    switch (command.shape) {
      case 'outbound':
        return this.createOutbound(command);
      case 'inbound':
        return { created: true, view: await this.createInbound(command) };
      case 'scheduled':
        return { created: true, view: await this.createScheduled(command) };
    }
  }

  // ---- outbound ----

  private async createOutbound(command: CreateOutboundCall): Promise<CreatedCall> {
    const { companyId } = command;
    const agent = await this.checkAgent(companyId, command.agentEmail);

    if (command.ticketId.state === 'absent' && command.endUserNumber.state === 'absent') throw callError('ticketOrNumberRequired');
    const ticket = valueOf(command.ticketId);
    let contact: Contact | null = null;
    let requestedNumber: string | null;
    if (ticket !== null) {
      contact = await this.calls.findContact(companyId, ticket);
      if (!contact) throw callError('contactNotFound');
      requestedNumber = valueOrNull(command.endUserNumber);
    } else {
      requestedNumber = valueOf(command.endUserNumber);
    }
    const lang = this.checkLanguage(command.lang);
    const wanted = valueOf(command.outboundNumber);
    const ringTimeoutSeconds = valueOf(command.ringTimeoutSeconds);

    const draft: OutboundDraft = {
      agentId: agent.id,
      agentEmail: agent.email,
      ticketId: ticket,
      contact,
      lang,
      requestedNumber,
      endUserNumber: null,
      outboundNumber: null,
      ringTimeoutSeconds,
      choices: {},
    };
    // The number to dial: the one sent, else the ticket's only number.
    if (requestedNumber) draft.endUserNumber = requestedNumber;
    else if (contact && contact.phone_numbers.length === 1) draft.endUserNumber = contact.phone_numbers[0];
    else if (contact && contact.phone_numbers.length > 1) draft.choices.end_user_number = [...contact.phone_numbers];
    // No number at all: nothing to choose from, so not a pending request.
    else if (contact) throw callError('contactHasNoPhoneNumber');
    // The number to call from: the one sent when it is the company's, else
    // the default, else the only one; several and no default is a choice.
    const numbers = await this.calls.outboundNumbers(companyId);
    const chosen = numbers.find((n) => n.e164 === wanted) ?? numbers.find((n) => n.is_default) ?? (numbers.length === 1 ? numbers[0] : undefined);
    if (chosen) draft.outboundNumber = chosen.number;
    else if (numbers.length > 1) draft.choices.outbound_number = numbers.map((n) => n.e164);

    if (draft.choices.end_user_number || draft.choices.outbound_number) {
      return { created: false, pending: await this.park(companyId, draft) };
    }
    return { created: true, view: await this.placeOutbound(companyId, draft, command.idempotencyKey) };
  }

  // Rows 1-4 of the outbound table.
  private async checkAgent(companyId: string, email: Field<string>, on?: Queryable) {
    if (email.state === 'absent') throw callError('agentEmailRequired');
    const agent = await this.calls.findAgentByEmail(companyId, valueOf(email)!, on);
    if (!agent) throw callError('invalidAgentEmail');
    if (!agent.can_make_calls) throw callError('agentCannotCall');
    if (agent.status !== 'available') throw callError('agentNotAvailable');
    return agent;
  }

  private placeOutbound(companyId: string, draft: OutboundDraft, idempotencyKey: IdempotencyClaim | null, on?: Queryable): Promise<CallViewRow> {
    return this.insert(
      newCall(companyId, idempotencyKey, {
        callType: CALL_TYPES.outbound,
        status: 'assigned',
        lang: draft.lang,
        agentId: draft.agentId,
        ...endUserFields(draft.contact, draft.ticketId, draft.endUserNumber),
        outboundNumber: draft.outboundNumber,
        ringTimeoutSeconds: draft.ringTimeoutSeconds ?? null,
        eventData: { call_type: CALL_TYPES.outbound, agent_id: Number(draft.agentId), end_user_number: draft.endUserNumber, outbound_number: draft.outboundNumber, ticket_id: draft.ticketId, lang: draft.lang },
      }),
      on,
    );
  }

  // ---- pending outbound requests ----

  private async park(companyId: string, draft: OutboundDraft): Promise<PendingCallBody> {
    const row = await this.pending.insert(companyId, draft.agentId, toStored(draft), draft.choices);
    return pendingBody(row.id, draft, draft.choices);
  }

  async listPending(companyId: string, agentEmail: string | null): Promise<PendingCallBody[]> {
    const rows = await this.pending.list(companyId, agentEmail);
    return rows.map((row) => pendingBody(row.id, fromStored(row.request), row.choices));
  }

  async completePending(command: CompletePendingCall): Promise<CreatedCall> {
    const { companyId, pendingCallId: id } = command;
    const result = await this.pending.withClaim<CreatedCall>(companyId, id, async (row, tx) => {
      if (!row) throw callError('pendingCallNotFound', id);
      const draft = fromStored(row.request);
      const choices: PendingChoices = { ...row.choices };
      let chose = false;
      for (const [field, sent] of [['end_user_number', command.endUserNumber], ['outbound_number', command.outboundNumber]] as const) {
        const options = choices[field];
        if (!options || sent.state === 'absent') continue;
        const picked = valueOf(sent)!;
        if (!options.includes(picked)) throw callError('choiceNotAllowed', field);
        if (field === 'end_user_number') draft.endUserNumber = picked;
        else draft.outboundNumber = (await this.calls.outboundNumbers(companyId, tx)).find((n) => n.e164 === picked)?.number ?? picked;
        delete choices[field];
        chose = true;
      }
      const open = Object.keys(choices) as Array<keyof PendingChoices>;
      if (!chose) throw callError('choiceRequired', open[0]);
      if (open.length > 0) {
        // One choice made, the other still open: the request stays pending.
        await this.pending.update(tx, row.id, toStored(draft), choices);
        return { keep: true, result: { created: false, pending: pendingBody(row.id, draft, choices) } };
      }
      // The agent is checked again: time has passed since the request.
      const agent = await this.checkAgent(companyId, { state: 'given', value: draft.agentEmail }, tx);
      draft.agentId = agent.id;
      return { keep: false, result: { created: true, view: await this.placeOutbound(companyId, draft, null, tx) } };
    });
    if (result.created) this.changes.committed([companyId]);
    return result;
  }

  // ---- inbound ----

  private async createInbound(command: CreateInboundCall): Promise<CallViewRow> {
    const { companyId } = command;
    const menu = await this.checkMenu(companyId, command.menuId, ['ivr_menu', 'mobile_menu'], 'onlyIvrAndMobile');
    if (menu.state === 'manual_redirection') throw callError('manualRedirection');
    if (isAfterHours(menu, new Date())) throw callError('afterHours');
    const { contact, ticketId, number } = await this.checkEndUser(companyId, command.ticketId, command.endUserNumber);
    const lang = this.checkLanguage(command.lang, menu);
    const recordingPermission = this.checkRecordingPermission(command.recordingPermission, menu);
    // The seed's inbound table: outbound_number when it is one of the
    // company's numbers; absent or invalid, the default (no 400).
    const wanted = command.outboundNumber;
    const chosen = wanted ? (await this.calls.outboundNumbers(companyId)).find((n) => n.e164 === wanted) : undefined;
    return this.insert(
      newCall(companyId, command.idempotencyKey, {
        callType: CALL_TYPES.inbound,
        status: 'queued',
        lang,
        menuId: menu.id,
        ...endUserFields(contact, ticketId, number),
        recordingPermission,
        offerType: menu.offer_type,
        offerGroup: FIRST_OFFER_GROUP,
        outboundNumber: chosen?.number ?? null,
        outboundFromDefault: !chosen,
        eventData: { call_type: CALL_TYPES.inbound, menu_id: Number(menu.id), end_user_number: number, ticket_id: ticketId, lang, recording_permission: recordingPermission },
      }),
    );
  }

  // ---- scheduled ----

  private async createScheduled(command: CreateScheduledCall): Promise<CallViewRow> {
    const { companyId } = command;
    let parentId: string | null = null;
    let inheritedMenu: string | null = null;
    const parentRef = valueOf(command.parentCallId);
    if (parentRef) {
      const parent = parentRef.id === null ? null : await this.calls.findParent(companyId, parentRef.id);
      if (!parent) throw callError('parentNotFound', parentRef.raw);
      if (parent.has_pending_callback) throw callError('pendingCallback', parentRef.raw);
      parentId = parent.id;
      inheritedMenu = parent.menu_id;
    }
    // A callback may leave menu_id out: it goes to its parent's menu, whatever that menu's type.
    const menu =
      command.menuIdBlank && inheritedMenu
        ? await this.checkInheritedMenu(companyId, inheritedMenu)
        : await this.checkMenu(companyId, command.menuId, ['mobile_menu', 'web_menu'], 'onlyMobileAndWeb');
    if (menu.state === 'manual_redirection') throw callError('manualRedirection');
    const at = valueOrNull(command.scheduledAt);
    if (menu.state === 'after_hours' || (at && isAfterHours(menu, at))) throw callError('afterHours');
    const { contact, ticketId, number } = await this.checkEndUser(companyId, command.ticketId, command.endUserNumber);
    if (command.scheduledAt.state === 'absent') throw callError('scheduledAtRequired');
    valueOf(command.scheduledAt);
    if (at!.getTime() <= Date.now()) throw callError('scheduledAtNotInFuture');
    const lang = this.checkLanguage(command.lang, menu);
    const recordingPermission = this.checkRecordingPermission(command.recordingPermission, menu);
    return this.insert(
      newCall(companyId, command.idempotencyKey, {
        parentId,
        callType: CALL_TYPES.scheduled,
        status: 'scheduled',
        lang,
        scheduledAt: at,
        menuId: menu.id,
        ...endUserFields(contact, ticketId, number),
        recordingPermission,
        offerType: menu.offer_type,
        outboundFromDefault: true,
        eventData: {
          call_type: CALL_TYPES.scheduled,
          menu_id: Number(menu.id),
          parent_id: parentId === null ? null : Number(parentId),
          scheduled_at: at!.toISOString(),
          end_user_number: number,
          ticket_id: ticketId,
          lang,
          recording_permission: recordingPermission,
        },
      }),
    );
  }

  // ---- shared checks ----

  // Rows "menu_id missing / not well formed / not found / wrong type".
  private async checkMenu(companyId: string, field: Field<IdRef>, types: string[], wrongType: 'onlyIvrAndMobile' | 'onlyMobileAndWeb'): Promise<MenuForCall> {
    if (field.state === 'absent') throw callError('menuIdRequired');
    const ref = valueOf(field)!;
    const menu = ref.id === null ? null : await this.calls.findMenu(companyId, ref.id);
    if (!menu) throw callError('menuNotFound', ref.raw);
    if (!types.includes(menu.menu_type)) throw callError(wrongType);
    return menu;
  }

  private async checkInheritedMenu(companyId: string, menuId: string): Promise<MenuForCall> {
    const menu = await this.calls.findMenu(companyId, menuId);
    if (!menu) throw callError('menuNotFound', menuId);
    return menu;
  }

  // Inbound rows 7-9 and scheduled rows 8-10: the ticket's contact, else the number.
  private async checkEndUser(companyId: string, ticketField: Field<string>, numberField: Field<string>): Promise<{ contact: Contact | null; ticketId: string | null; number: string | null }> {
    const ticket = valueOf(ticketField);
    if (ticket !== null) {
      const contact = await this.calls.findContact(companyId, ticket);
      if (!contact) throw callError('contactNotFound');
      return { contact, ticketId: ticket, number: valueOrNull(numberField) ?? contact.phone_numbers[0] ?? null };
    }
    if (numberField.state === 'absent') throw callError('endUserNumberRequired');
    return { contact: null, ticketId: null, number: valueOf(numberField) };
  }

  private checkLanguage(field: Field<string>, menu?: MenuForCall): string {
    const lang = valueOf(field);
    if (lang === null) return 'en';
    if (menu && !menu.languages.includes(lang)) throw callError('languageNotAvailable', lang);
    return lang;
  }

  // Only evaluated when the menu's queue asks for permission.
  private checkRecordingPermission(field: Field<RecordingPermission>, menu: MenuForCall): RecordingPermission {
    const permission = valueOf(field);
    if (menu.recording_option !== 'ask_permission' || permission === null) return 'not_asked';
    return permission;
  }

  // The call and everything it starts with (one statement), then its view
  // stored on its first log row, in one transaction: the one given
  // (completing a pending request, which tells CallChanges once it has
  // committed) or its own.
  private async insert(call: NewCall, on?: Queryable): Promise<CallViewRow> {
    const write = async (tx: Queryable) => {
      const result = await this.calls.insertCall(call, tx);
      if ('refused' in result) {
        if (result.refused === 'agent_not_available') throw callError('agentNotAvailable');
        // A retry took the key over while this request ran: it writes nothing.
        if (result.refused === 'idempotency_claim_lost') throw callError('idempotencyKeyInProgress');
        throw callError('pendingCallback', String(call.parentId));
      }
      return this.calls.storeCreatedView(call.companyId, result.id, tx);
    };
    if (on) return write(on);
    const view = await this.db.transaction(write);
    this.changes.committed([call.companyId]);
    return view;
  }
}

// The group the first offer of an inbound call goes to (the seed's name).
const FIRST_OFFER_GROUP = 'Group 1';

// The menu's `state`, or its business hours (wall-clock time in its zone) at that instant.
function isAfterHours(menu: MenuForCall, at: Date): boolean {
  return menuIsAfterHoursAt({ state: menu.state as MenuState, businessHours: menu.business_hours as BusinessHours | null }, at);
}

// What every new call starts with; each call type sets what differs.
type CallSpecifics = Partial<NewCall> & Pick<NewCall, 'callType' | 'status' | 'lang' | 'endUser' | 'eventData'>;
function newCall(companyId: string, idempotencyKey: IdempotencyClaim | null, specifics: CallSpecifics): NewCall {
  return {
    companyId,
    parentId: null,
    scheduledAt: null,
    agentId: null,
    menuId: null,
    outTicketId: null,
    outTicketUrl: null,
    recordingPermission: 'not_asked',
    offerType: null,
    offerGroup: null,
    outboundNumber: null,
    outboundFromDefault: false,
    ringTimeoutSeconds: null,
    idempotencyKey,
    ...specifics,
  };
}

// The end user: the ticket's contact when there is one, else the number.
function endUserFields(contact: Contact | null, ticketId: string | null, number: string | null): Pick<NewCall, 'endUser' | 'outTicketId' | 'outTicketUrl'> {
  return {
    endUser: { contactId: contact?.id ?? null, phoneNumber: number, outContactId: contact?.out_contact_id ?? null },
    outTicketId: contact ? ticketId : null,
    outTicketUrl: contact?.out_ticket_url ?? null,
  };
}

function toStored(draft: OutboundDraft): Record<string, unknown> {
  return { ...draft, choices: undefined };
}

function fromStored(stored: Record<string, unknown>): OutboundDraft {
  return { ...(stored as unknown as OutboundDraft), choices: {} };
}

function pendingBody(id: string, draft: OutboundDraft, choices: PendingChoices): PendingCallBody {
  const action = choices.end_user_number ? 'select_end_user_number' : 'select_outbound_number';
  return {
    id,
    call_type: CALL_TYPES.outbound,
    agent_email: draft.agentEmail,
    end_user_number: draft.requestedNumber,
    ticket_id: draft.ticketId,
    lang: draft.lang,
    pending_action: action,
    choices: (action === 'select_end_user_number' ? choices.end_user_number : choices.outbound_number) ?? [],
  };
}
