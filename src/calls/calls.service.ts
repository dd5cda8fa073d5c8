import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ISO_639_1 } from '../common/languages';
import { ApiError } from '../common/api-error';
import { parseId } from '../common/ids';
import { toE164 } from '../common/phone-numbers';
import { menuIsAfterHoursAt } from '../menus/business-hours';
import type { BusinessHours, MenuState } from '../menus/menu.entity';
import { CallMessages as M } from './call-messages';
import { Body, CALL_TYPES, callShape, isAbsent, isBody, isEmailAddress, parseInstant, readInteger, readTicketId, RECORDING_PERMISSIONS } from './call-request';
import { CallObject, presentCall } from './call.presenter';
import { CallsRepository, MenuForCall, NewCall } from './calls.repository';
import { PendingCallsRepository, PendingChoices } from './pending-calls.repository';

export type CreateCallResult = { status: 201; body: CallObject } | { status: 202; body: PendingCallBody };

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
  choices: PendingChoices;
}

// POST /calls: the contract's checks, in its order, for each call type;
// the first failure answers.
@Injectable()
export class CallsService {
  constructor(
    private readonly calls: CallsRepository,
    private readonly pending: PendingCallsRepository,
  ) {}

  async create(companyId: string, body: unknown, idempotencyKey: string | null = null): Promise<CreateCallResult> {
    const shape = callShape(body);
    if (!shape || !isBody(body)) throw ApiError.badRequest(M.invalidCallType);
    switch (shape) {
      case 'outbound':
        return this.createOutbound(companyId, body, idempotencyKey);
      case 'inbound':
        return { status: 201, body: await this.createInbound(companyId, body, idempotencyKey) };
      case 'scheduled':
        return { status: 201, body: await this.createScheduled(companyId, body, idempotencyKey) };
    }
  }

  async get(companyId: string, id: string): Promise<CallObject> {
    const callId = parseId(id);
    const row = callId ? await this.calls.findView(companyId, callId) : null;
    if (!row) throw ApiError.notFound(M.callNotFound(id));
    return presentCall(row);
  }

  async events(companyId: string, id: string) {
    const callId = parseId(id);
    const rows = callId ? await this.calls.events(companyId, callId) : null;
    if (!rows) throw ApiError.notFound(M.callNotFound(id));
    return rows.map((e) => ({
      seq: e.seq,
      type: e.type,
      from: e.from_status,
      to: e.to_status,
      data: e.data,
      event_id: e.event_id,
      created_at: new Date(e.created_at as string).toISOString(),
    }));
  }

  // ---- outbound ----

  private async createOutbound(companyId: string, body: Body, idempotencyKey: string | null): Promise<CreateCallResult> {
    const agent = await this.checkAgent(companyId, body.agent_email);

    const ticket = readTicketId(body.ticket_id);
    if (ticket === null && isAbsent(body.end_user_number)) throw ApiError.badRequest(M.ticketOrNumberRequired);
    if (ticket === 'invalid') throw ApiError.badRequest(M.ticketIdNotWellFormed);
    let contact: Contact | null = null;
    let requestedNumber: string | null = null;
    if (ticket !== null) {
      contact = await this.calls.findContact(companyId, ticket);
      if (!contact) throw ApiError.badRequest(M.contactNotFound);
      requestedNumber = toE164(body.end_user_number);
    } else {
      requestedNumber = toE164(body.end_user_number);
      if (!requestedNumber) throw ApiError.badRequest(M.outboundNumberNotWellFormed);
    }
    const lang = this.checkLanguage(body.lang);
    if (!isAbsent(body.outbound_number) && typeof body.outbound_number !== 'string') throw ApiError.badRequest(M.outboundNumberFieldNotWellFormed);

    const draft: OutboundDraft = {
      agentId: agent.id,
      agentEmail: agent.email,
      ticketId: ticket,
      contact,
      lang,
      requestedNumber,
      endUserNumber: null,
      outboundNumber: null,
      choices: {},
    };
    // The number to dial: the one sent, else the ticket's only number.
    if (requestedNumber) draft.endUserNumber = requestedNumber;
    else if (contact && contact.phone_numbers.length === 1) draft.endUserNumber = contact.phone_numbers[0];
    else if (contact && contact.phone_numbers.length > 1) draft.choices.end_user_number = [...contact.phone_numbers];
    // No number at all: nothing to choose from, so not a pending request.
    else if (contact) throw ApiError.badRequest(M.contactHasNoPhoneNumber);
    // The number to call from: the one sent when it is the company's, else
    // the default, else the only one; several and no default is a choice.
    const numbers = await this.calls.outboundNumbers(companyId);
    const wanted = toE164(body.outbound_number);
    const chosen = numbers.find((n) => n.e164 === wanted) ?? numbers.find((n) => n.is_default) ?? (numbers.length === 1 ? numbers[0] : undefined);
    if (chosen) draft.outboundNumber = chosen.number;
    else if (numbers.length > 1) draft.choices.outbound_number = numbers.map((n) => n.e164);

    if (draft.choices.end_user_number || draft.choices.outbound_number) {
      return { status: 202, body: await this.park(companyId, draft) };
    }
    return { status: 201, body: await this.placeOutbound(companyId, draft, idempotencyKey) };
  }

  // Rows 1-4 of the outbound table.
  private async checkAgent(companyId: string, email: unknown, on?: EntityManager) {
    if (isAbsent(email)) throw ApiError.badRequest(M.agentEmailRequired);
    if (typeof email !== 'string' || !isEmailAddress(email)) throw ApiError.badRequest(M.invalidAgentEmail);
    const agent = await this.calls.findAgentByEmail(companyId, email, on);
    if (!agent) throw ApiError.badRequest(M.invalidAgentEmail);
    if (!agent.can_make_calls) throw ApiError.badRequest(M.agentCannotCall);
    if (agent.status !== 'available') throw ApiError.badRequest(M.agentNotAvailable);
    return agent;
  }

  private async placeOutbound(companyId: string, draft: OutboundDraft, idempotencyKey: string | null, manager?: EntityManager): Promise<CallObject> {
    return this.insert(
      newCall(companyId, idempotencyKey, {
        callType: CALL_TYPES.outbound,
        status: 'assigned',
        lang: draft.lang,
        agentId: draft.agentId,
        ...endUserFields(draft.contact, draft.ticketId, draft.endUserNumber),
        outboundNumber: draft.outboundNumber,
        eventData: { call_type: CALL_TYPES.outbound, agent_id: Number(draft.agentId), end_user_number: draft.endUserNumber, outbound_number: draft.outboundNumber, ticket_id: draft.ticketId, lang: draft.lang },
      }),
      companyId,
      manager,
    );
  }

  // ---- pending outbound requests ----

  private async park(companyId: string, draft: OutboundDraft): Promise<PendingCallBody> {
    const row = await this.pending.insert(companyId, draft.agentId, toStored(draft), draft.choices);
    return pendingBody(row.id, draft, draft.choices);
  }

  async listPending(companyId: string, agentEmail: unknown): Promise<PendingCallBody[]> {
    if (!isAbsent(agentEmail) && typeof agentEmail !== 'string') throw ApiError.badRequest('agent_email must be a string');
    const rows = await this.pending.list(companyId, isAbsent(agentEmail) ? null : (agentEmail as string));
    return rows.map((row) => pendingBody(row.id, fromStored(row.request), row.choices));
  }

  async completePending(companyId: string, id: string, body: unknown): Promise<CreateCallResult> {
    const choice = isBody(body) ? body : {};
    return this.pending.withClaim<CreateCallResult>(companyId, id, async (row, manager) => {
      if (!row) throw ApiError.notFound(M.pendingCallNotFound(id));
      const draft = fromStored(row.request);
      const choices: PendingChoices = { ...row.choices };
      let chose = false;
      for (const field of ['end_user_number', 'outbound_number'] as const) {
        const options = choices[field];
        if (!options || isAbsent(choice[field])) continue;
        const picked = toE164(choice[field]);
        if (!picked || !options.includes(picked)) throw ApiError.badRequest(M.choiceNotAllowed(field));
        if (field === 'end_user_number') draft.endUserNumber = picked;
        else draft.outboundNumber = (await this.calls.outboundNumbers(companyId, manager)).find((n) => n.e164 === picked)?.number ?? picked;
        delete choices[field];
        chose = true;
      }
      const open = Object.keys(choices) as Array<keyof PendingChoices>;
      if (!chose) throw ApiError.badRequest(M.choiceRequired(open[0]));
      if (open.length > 0) {
        // One choice made, the other still open: the request stays pending.
        await this.pending.update(manager, row.id, toStored(draft), choices);
        return { keep: true, result: { status: 202, body: pendingBody(row.id, draft, choices) } };
      }
      // The agent is checked again: time has passed since the request.
      const agent = await this.checkAgent(companyId, draft.agentEmail, manager);
      draft.agentId = agent.id;
      return { keep: false, result: { status: 201, body: await this.placeOutbound(companyId, draft, null, manager) } };
    });
  }

  // ---- inbound ----

  private async createInbound(companyId: string, body: Body, idempotencyKey: string | null): Promise<CallObject> {
    const menu = await this.checkMenu(companyId, body.menu_id, ['ivr_menu', 'mobile_menu'], M.onlyIvrAndMobile);
    if (menu.state === 'manual_redirection') throw ApiError.badRequest(M.manualRedirection);
    if (isAfterHours(menu, new Date())) throw ApiError.badRequest(M.afterHours);
    const { contact, ticketId, number } = await this.checkEndUser(companyId, body);
    const lang = this.checkLanguage(body.lang, menu);
    const recordingPermission = this.checkRecordingPermission(body.recording_permission, menu);
    // The seed's inbound table: outbound_number when it is one of the
    // company's numbers; absent or invalid, the default (no 400).
    const wanted = toE164(body.outbound_number);
    const chosen = wanted ? (await this.calls.outboundNumbers(companyId)).find((n) => n.e164 === wanted) : undefined;
    return this.insert(
      newCall(companyId, idempotencyKey, {
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
      companyId,
    );
  }

  // ---- scheduled ----

  private async createScheduled(companyId: string, body: Body, idempotencyKey: string | null): Promise<CallObject> {
    let parentId: string | null = null;
    let inheritedMenu: string | null = null;
    if (!isAbsent(body.call_id)) {
      // A JSON integer, as menu_id: a string or a float is the wrong JSON type.
      const raw = body.call_id;
      const id = readInteger(raw);
      if (id === 'invalid') throw ApiError.badRequest(M.callIdNotWellFormed);
      const parent = id === 'unknown' ? null : await this.calls.findParent(companyId, id);
      if (!parent) throw ApiError.badRequest(M.parentNotFound(String(raw)));
      if (parent.has_pending_callback) throw ApiError.badRequest(M.pendingCallback(String(raw)));
      parentId = parent.id;
      inheritedMenu = parent.menu_id;
    }
    // A callback may leave menu_id out: it goes to its parent's menu, whatever that menu's type.
    const menu =
      isAbsent(body.menu_id) && inheritedMenu
        ? await this.checkInheritedMenu(companyId, inheritedMenu)
        : await this.checkMenu(companyId, body.menu_id, ['mobile_menu', 'web_menu'], M.onlyMobileAndWeb);
    if (menu.state === 'manual_redirection') throw ApiError.badRequest(M.manualRedirection);
    const at = parseInstant(body.scheduled_at);
    if (menu.state === 'after_hours' || (at && isAfterHours(menu, at))) throw ApiError.badRequest(M.afterHours);
    const { contact, ticketId, number } = await this.checkEndUser(companyId, body);
    if (isAbsent(body.scheduled_at)) throw ApiError.badRequest(M.scheduledAtRequired);
    if (!at) throw ApiError.badRequest(M.scheduledAtNotWellFormed);
    if (at.getTime() <= Date.now()) throw ApiError.badRequest(M.scheduledAtNotInFuture);
    const lang = this.checkLanguage(body.lang, menu);
    const recordingPermission = this.checkRecordingPermission(body.recording_permission, menu);
    return this.insert(
      newCall(companyId, idempotencyKey, {
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
          scheduled_at: at.toISOString(),
          end_user_number: number,
          ticket_id: ticketId,
          lang,
          recording_permission: recordingPermission,
        },
      }),
      companyId,
    );
  }

  // ---- shared checks ----

  // Rows "menu_id missing / not well formed / not found / wrong type".
  private async checkMenu(companyId: string, raw: unknown, types: string[], typeMessage: string): Promise<MenuForCall> {
    if (raw === undefined || raw === null) throw ApiError.badRequest(M.menuIdRequired);
    const id = readInteger(raw);
    if (id === 'invalid') throw ApiError.badRequest(M.menuIdNotWellFormed);
    const menu = id === 'unknown' ? null : await this.calls.findMenu(companyId, id);
    if (!menu) throw ApiError.badRequest(M.menuNotFound(String(raw)));
    if (!types.includes(menu.menu_type)) throw ApiError.badRequest(typeMessage);
    return menu;
  }

  private async checkInheritedMenu(companyId: string, menuId: string): Promise<MenuForCall> {
    const menu = await this.calls.findMenu(companyId, menuId);
    if (!menu) throw ApiError.badRequest(M.menuNotFound(menuId));
    return menu;
  }

  // Inbound rows 7-9 and scheduled rows 8-10: the ticket's contact, else the number.
  private async checkEndUser(companyId: string, body: Body): Promise<{ contact: Contact | null; ticketId: string | null; number: string | null }> {
    const ticket = readTicketId(body.ticket_id);
    if (ticket === 'invalid') throw ApiError.badRequest(M.ticketIdNotWellFormed);
    if (ticket !== null) {
      const contact = await this.calls.findContact(companyId, ticket);
      if (!contact) throw ApiError.badRequest(M.contactNotFound);
      return { contact, ticketId: ticket, number: toE164(body.end_user_number) ?? contact.phone_numbers[0] ?? null };
    }
    if (isAbsent(body.end_user_number)) throw ApiError.badRequest(M.endUserNumberRequired);
    const number = toE164(body.end_user_number);
    if (!number) throw ApiError.badRequest(M.endUserNumberNotWellFormed);
    return { contact: null, ticketId: null, number };
  }

  private checkLanguage(raw: unknown, menu?: MenuForCall): string {
    if (raw === undefined || raw === null) return 'en';
    if (typeof raw !== 'string') throw ApiError.badRequest(M.langNotWellFormed);
    if (!ISO_639_1.has(raw)) throw ApiError.badRequest(M.languageNotFound(raw));
    if (menu && !menu.languages.includes(raw)) throw ApiError.badRequest(M.languageNotAvailable(raw));
    return raw;
  }

  // Only evaluated when the menu's queue asks for permission.
  private checkRecordingPermission(raw: unknown, menu: MenuForCall): 'not_asked' | 'granted' | 'denied' {
    if (raw !== undefined && raw !== null && (typeof raw !== 'string' || !Object.hasOwn(RECORDING_PERMISSIONS, raw))) {
      throw ApiError.badRequest(M.recordingPermissionInvalid);
    }
    if (menu.recording_option !== 'ask_permission' || raw === undefined || raw === null) return 'not_asked';
    return RECORDING_PERMISSIONS[raw as string];
  }

  private async insert(call: NewCall, companyId: string, manager?: EntityManager): Promise<CallObject> {
    const result = await this.calls.insertCall(call, manager);
    if ('refused' in result) {
      if (result.refused === 'agent_not_available') throw ApiError.badRequest(M.agentNotAvailable);
      throw ApiError.badRequest(M.pendingCallback(String(call.parentId)));
    }
    const row = await this.calls.findView(companyId, result.id, manager);
    return presentCall(row!);
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
function newCall(companyId: string, idempotencyKey: string | null, specifics: CallSpecifics): NewCall {
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
