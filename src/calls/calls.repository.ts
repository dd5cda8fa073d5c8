import { Injectable } from '@nestjs/common';
import { violatedConstraint } from '../common/database-errors';
import { Database, Queryable } from '../database/database';
import { CALL_VIEW_COLUMNS, CALL_VIEW_FROM, CallViewRow } from './call-view';
import type { IdempotencyClaim } from './creation/create-call.command';

export interface MenuForCall {
  id: string;
  name: string;
  menu_type: string;
  state: string;
  languages: string[];
  business_hours: unknown;
  offer_type: string;
  recording_option: string;
}

export interface ParentCall {
  id: string;
  menu_id: string | null;
  has_pending_callback: boolean;
}

// Everything a new call is made of; inserted by one statement.
export interface NewCall {
  companyId: string;
  parentId: string | null;
  callType: string;
  status: 'assigned' | 'queued' | 'scheduled';
  lang: string;
  scheduledAt: Date | null;
  agentId: string | null; // outbound: assigned at once, and becomes busy
  menuId: string | null;
  endUser: { contactId: string | null; phoneNumber: string | null; outContactId: string | null };
  outTicketId: string | null;
  outTicketUrl: string | null;
  recordingPermission: string;
  offerType: string | null;
  offerGroup: string | null; // inbound: the first offer_events entry
  outboundNumber: string | null;
  outboundFromDefault: boolean; // inbound/scheduled: the company's default number, if any
  ringTimeoutSeconds: number | null; // telephony: the dialed end user's ring timeout
  idempotencyKey: IdempotencyClaim | null;
  eventData: Record<string, unknown>;
}

export type InsertCallResult = { id: string } | { refused: 'agent_not_available' | 'pending_callback' | 'idempotency_claim_lost' };

// The call's times are kept to the millisecond, as the API shows them and
// as its events are stamped: so no event can sort before the creation.
const NOW = `date_trunc('milliseconds', now())`;

export type SortColumn = 'created_at' | 'updated_at' | 'scheduled_at' | 'id';

export interface CallListFilter {
  companyId: string;
  status?: string;
  callType?: string;
  createdFrom?: Date;
  createdTo?: Date;
  updatedFrom?: Date;
  updatedTo?: Date;
  sortColumn: SortColumn;
  sortDirection: 'ASC' | 'DESC';
  offset: number;
  limit: number;
}

@Injectable()
export class CallsRepository {
  constructor(private readonly db: Database) {}

  async findMenu(companyId: string, menuId: string): Promise<MenuForCall | null> {
    const rows = await this.db.query(`SELECT id, name, menu_type, state, languages, business_hours, offer_type, recording_option
         FROM menus WHERE company_id = $1 AND id = $2 AND NOT deleted`,
      [companyId, menuId],
    );
    return rows[0] ?? null;
  }

  async findContact(companyId: string, ticketId: string): Promise<{ id: string; out_contact_id: string | null; phone_numbers: string[]; out_ticket_url: string | null } | null> {
    const rows = await this.db.query(`SELECT id, out_contact_id, phone_numbers, out_ticket_url FROM contacts WHERE company_id = $1 AND ticket_id = $2`, [companyId, ticketId]);
    return rows[0] ?? null;
  }

  // `on`: the transaction when called inside one — never the pool, which
  // could be exhausted by transactions waiting on the same lock.
  async findAgentByEmail(companyId: string, email: string, on: Queryable = this.db): Promise<{ id: string; email: string; can_make_calls: boolean; status: string } | null> {
    const rows = await on.query(`SELECT id, email, can_make_calls, status FROM agents WHERE company_id = $1 AND lower(email) = lower($2)`, [companyId, email]);
    return rows[0] ?? null;
  }

  outboundNumbers(companyId: string, on: Queryable = this.db): Promise<Array<{ number: string; e164: string; is_default: boolean }>> {
    return on.query(`SELECT number, e164, is_default FROM outbound_numbers WHERE company_id = $1 ORDER BY id`, [companyId]);
  }

  async findParent(companyId: string, callId: string): Promise<ParentCall | null> {
    const rows = await this.db.query(`SELECT c.id, c.menu_id, EXISTS (SELECT 1 FROM calls k WHERE k.parent_id = c.id AND k.status = 'scheduled') AS has_pending_callback
         FROM calls c WHERE c.company_id = $1 AND c.id = $2`,
      [companyId, callId],
    );
    return rows[0] ?? null;
  }

  // The call, its end user (found or created), its participants, its first
  // event-log row, the outbound agent's busy status and the idempotency
  // record, in ONE statement: it either writes everything or nothing.
  async insertCall(call: NewCall, on: Queryable = this.db): Promise<InsertCallResult> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const company = p(call.companyId);
    const agent = p(call.agentId);
    const contact = p(call.endUser.contactId);
    const phone = p(call.endUser.phoneNumber);
    const key = call.idempotencyKey;
    // The fence: with an Idempotency-Key, nothing is written unless the key
    // is still this request's claim and names no call yet (the key's row is
    // locked until the commit, so a takeover waits and then sees the call).
    const fence = key
      ? `SELECT 1 FROM idempotency_keys WHERE company_id = ${company} AND key = ${p(key.key)}::text AND claim = ${p(key.claim)}::uuid AND call_id IS NULL FOR UPDATE`
      : `SELECT 1`;
    const gate = call.agentId
      ? `UPDATE agents SET status = 'busy', updated_at = ${NOW} WHERE id = ${agent} AND company_id = ${company} AND status = 'available' AND EXISTS (SELECT 1 FROM fence) RETURNING id`
      : `SELECT 1 AS id FROM fence`;
    const offerEvents = call.offerGroup
      ? `jsonb_build_array(jsonb_build_object('casting_time', to_char(${NOW} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'group', ${p(call.offerGroup)}::text))`
      : `'[]'::jsonb`;
    const outboundNumber = call.outboundFromDefault
      ? `(SELECT number FROM outbound_numbers WHERE company_id = ${company} AND is_default)`
      : `${p(call.outboundNumber)}::text`;
    // A CCAI outbound call of a company with an enabled voice provider is
    // dialed by the engine (telephony): it names the provider that will carry
    // it, the first by priority (a failover names the next). Other calls keep
    // CCAI's default.
    const voipProvider =
      call.callType === 'Voice Outbound (API)'
        ? `coalesce((SELECT 'voip_provider_' || vp.kind FROM voice_providers vp WHERE vp.company_id = ${company} AND vp.enabled ORDER BY vp.priority, vp.id LIMIT 1), 'voip_provider_twilio')`
        : `'voip_provider_twilio'`;
    const text = `
      WITH fence AS (${fence}),
      gate AS (${gate}),
      eu_found AS (
        SELECT id FROM end_users
         WHERE company_id = ${company}
           AND ${call.endUser.contactId ? `contact_id = ${contact}::bigint` : `contact_id IS NULL AND phone_number = ${phone}::text`}
         ORDER BY id LIMIT 1),
      eu_new AS (
        INSERT INTO end_users (company_id, contact_id, phone_number, out_contact_id)
        SELECT ${company}, ${contact}::bigint, ${phone}::text, ${p(call.endUser.outContactId)}::text FROM gate
         WHERE NOT EXISTS (SELECT 1 FROM eu_found)
        RETURNING id),
      eu AS (SELECT id FROM eu_found UNION ALL SELECT id FROM eu_new),
      c AS (
        INSERT INTO calls (company_id, parent_id, call_type, status, lang, created_at, queued_at, assigned_at, scheduled_at,
                           agent_id, menu_id, end_user_id, out_ticket_id, out_ticket_url, recording_permission,
                           offer_type, offer_events, outbound_number, voip_provider, ring_timeout_seconds, last_seq, updated_at)
        SELECT ${company}, ${p(call.parentId)}::bigint, ${p(call.callType)}, ${p(call.status)}, ${p(call.lang)}, ${NOW},
               ${call.status === 'queued' ? NOW : 'NULL'}, ${call.status === 'assigned' ? NOW : 'NULL'}, ${p(call.scheduledAt)}::timestamptz,
               ${agent}::bigint, ${p(call.menuId)}::bigint, eu.id, ${p(call.outTicketId)}::text, ${p(call.outTicketUrl)}::text, ${p(call.recordingPermission)},
               ${p(call.offerType)}::text, ${offerEvents}, ${outboundNumber}, ${voipProvider}, ${p(call.ringTimeoutSeconds)}::int, 1, ${NOW}
          FROM eu, gate
        RETURNING id, status, end_user_id, voip_provider),
      parts AS (
        INSERT INTO participants (call_id, type, agent_id, end_user_id, created_at, updated_at)
        SELECT c.id, 'agent', ${agent}::bigint, NULL, ${NOW}, ${NOW} FROM c WHERE ${agent}::bigint IS NOT NULL
        UNION ALL
        SELECT c.id, 'end_user', NULL, c.end_user_id, ${NOW}, ${NOW} FROM c),
      ev AS (
        INSERT INTO call_events (call_id, company_id, seq, type, from_status, to_status, data, source, created_at)
        SELECT c.id, ${company}, 1, 'created', NULL, c.status, ${p(JSON.stringify(call.eventData))}::jsonb || jsonb_build_object('end_user_id', c.end_user_id)
               || CASE WHEN c.voip_provider <> 'voip_provider_twilio' THEN jsonb_build_object('voip_provider', c.voip_provider) ELSE '{}'::jsonb END, 'client', ${NOW} FROM c),
      idem AS (
        UPDATE idempotency_keys k SET call_id = c.id, status = 201 FROM c
         WHERE k.company_id = ${company} AND k.key = ${p(key?.key ?? null)}::text)
      SELECT (SELECT id FROM c) AS id, EXISTS (SELECT 1 FROM fence) AS fenced`;
    try {
      const [row] = await on.query<{ id: string | null; fenced: boolean }>(text, params);
      if (row.id !== null) return { id: row.id };
      return { refused: row.fenced ? 'agent_not_available' : 'idempotency_claim_lost' };
    } catch (error) {
      const constraint = violatedConstraint(error);
      if (constraint === 'calls_one_live_call_per_agent') return { refused: 'agent_not_available' };
      if (constraint === 'calls_one_pending_callback') return { refused: 'pending_callback' };
      throw error;
    }
  }

  // A new call's view, stored on its first log row ("created") as the call
  // left its creation: the outgoing event's call. In the creating transaction.
  async storeCreatedView(companyId: string, callId: string, tx: Queryable): Promise<CallViewRow> {
    const [row] = await tx.query<CallViewRow>(
      `WITH view AS (SELECT ${CALL_VIEW_COLUMNS} FROM ${CALL_VIEW_FROM} WHERE c.company_id = $1 AND c.id = $2),
       stored AS (UPDATE call_events e SET call_view = (SELECT to_json(v) FROM view v) WHERE e.call_id = $2 AND e.seq = 1)
       SELECT * FROM view`,
      [companyId, callId],
    );
    return row;
  }

  async findView(companyId: string, callId: string, on: Queryable = this.db): Promise<CallViewRow | null> {
    const rows = await on.query(`SELECT ${CALL_VIEW_COLUMNS} FROM ${CALL_VIEW_FROM} WHERE c.company_id = $1 AND c.id = $2`, [companyId, callId]);
    return rows[0] ?? null;
  }

  async list(filter: CallListFilter): Promise<{ rows: CallViewRow[]; total: number }> {
    const params: unknown[] = [filter.companyId];
    const where = ['c.company_id = $1'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('c.status = ?', filter.status);
    if (filter.callType) add('c.call_type = ?', filter.callType);
    if (filter.createdFrom) add('c.created_at >= ?', filter.createdFrom);
    if (filter.createdTo) add('c.created_at <= ?', filter.createdTo);
    if (filter.updatedFrom) add('c.updated_at >= ?', filter.updatedFrom);
    if (filter.updatedTo) add('c.updated_at <= ?', filter.updatedTo);
    const whereSql = where.join(' AND ');
    // Sort column and direction come from a fixed list, never from the client's text.
    const nulls = filter.sortColumn === 'scheduled_at' ? (filter.sortDirection === 'ASC' ? ' NULLS LAST' : ' NULLS FIRST') : '';
    const order = `c.${filter.sortColumn} ${filter.sortDirection}${nulls}, c.id ${filter.sortDirection}`;
    const [rows, [{ total }]] = await Promise.all([
      // Limit and offset are parameters: one prepared statement serves every page.
      this.db.query(`SELECT ${CALL_VIEW_COLUMNS} FROM ${CALL_VIEW_FROM} WHERE ${whereSql} ORDER BY ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
        ...params,
        filter.limit,
        filter.offset,
      ]),
      this.db.query(`SELECT count(*)::int AS total FROM calls c WHERE ${whereSql}`, params),
    ]);
    return { rows, total };
  }

  async events(companyId: string, callId: string): Promise<Array<Record<string, unknown>> | null> {
    const rows = await this.db.query(`SELECT e.seq, e.type, e.from_status, e.to_status, e.data, e.event_id, e.created_at
         FROM calls c LEFT JOIN call_events e ON e.call_id = c.id
        WHERE c.company_id = $1 AND c.id = $2 ORDER BY e.seq`,
      [companyId, callId],
    );
    if (rows.length === 0) return null;
    return rows.filter((r: { seq: number | null }) => r.seq !== null);
  }
}
