import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CALL_EVENT_TYPES, CALL_STATUSES } from '../lifecycle/machine/call.machine';

// The OpenAPI description of the Calls API's bodies (call.presenter.ts
// renders them; the contract, calls-api.md, fixes them). Documentation only:
// requests are parsed by the CCAI surface in the contract's order.

const nullable = { nullable: true } as const;

export class MenuPathResponse {
  @ApiProperty() items_count: number;
  @ApiProperty({ description: "The path's names joined with ' / '" }) name: string;
  @ApiProperty({ description: "The path's ids joined with '/'" }) materialized_path: string;
}

export class SelectedMenuResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: Number, ...nullable }) parent_id: number | null;
  @ApiProperty() position: number;
  @ApiProperty() deleted: boolean;
  @ApiProperty() hidden: boolean;
  @ApiProperty({ enum: ['ivr_menu', 'mobile_menu', 'web_menu'] }) menu_type: string;
  @ApiProperty({ type: String, ...nullable }) output_msg: string | null;
}

export class CallAgentResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() last_name: string;
  @ApiProperty() first_name: string;
  @ApiProperty({ type: Number, ...nullable, description: 'An integer, as in CCAI call records' }) agent_number: number | null;
  @ApiProperty({ type: String, ...nullable }) avatar_url: string | null;
}

export class EndUserResponse {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'The number, E.164' }) identifier: string;
  @ApiProperty({ type: String, ...nullable }) out_contact_id: string | null;
}

export class ParticipantResponse {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['agent', 'end_user'] }) type: string;
  @ApiProperty() status: string;
  @ApiProperty() call_id: number;
  @ApiProperty({ type: Number, ...nullable }) user_id: number | null;
  @ApiProperty({ type: Number, ...nullable }) end_user_id: number | null;
  @ApiProperty({ type: Number, ...nullable }) call_duration: number | null;
  @ApiProperty({ type: Number, ...nullable }) hold_duration: number | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) connected_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) ended_at: string | null;
  @ApiProperty() fail_reason: string;
}

export class TransferResponse {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['transferring', 'transferred', 'failed'] }) status: string;
  @ApiProperty() fail_reason: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', ...nullable, description: 'An agent transfer: when it was opened' }) assigned_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable, description: 'When it completed' }) connected_at: string | null;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: Number, ...nullable }) wait_duration: number | null;
  @ApiProperty({ type: Number, ...nullable }) call_duration: number | null;
  @ApiProperty({ type: String, ...nullable }) deflection: string | null;
  @ApiProperty({ type: String, ...nullable }) answer_type_path: string | null;
  @ApiProperty({ type: MenuPathResponse, ...nullable, description: 'The Apps API name of from_menu_path' }) from_menu: MenuPathResponse | null;
  @ApiProperty({ type: MenuPathResponse, ...nullable, description: 'The Apps API name of the target menu' }) to_menu: MenuPathResponse | null;
  @ApiProperty({ type: MenuPathResponse, ...nullable }) from_menu_path: MenuPathResponse | null;
  @ApiProperty({ type: String, ...nullable, description: "The target menu's path name" }) to_menu_path: string | null;
  @ApiProperty({ type: CallAgentResponse, ...nullable }) from_agent: CallAgentResponse | null;
  @ApiProperty({ type: CallAgentResponse, ...nullable }) to_agent: CallAgentResponse | null;
  @ApiProperty({ type: Number, ...nullable }) from_queue_priority_level: number | null;
  @ApiProperty({ type: String, ...nullable }) to_queue_priority_level: string | null;
}

export class OfferEventResponse {
  @ApiProperty({ format: 'date-time' }) casting_time: string;
  @ApiProperty() group: string;
}

export class CallResponse {
  @ApiProperty() id: number;
  @ApiProperty({ type: Number, ...nullable }) parent_id: number | null;
  @ApiProperty({ example: 'en' }) lang: string;
  @ApiProperty({ enum: ['Voice Outbound (API)', 'Voice Inbound (API)', 'Voice Scheduled (API)'] }) call_type: string;
  @ApiProperty({ enum: CALL_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) queued_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) assigned_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) connected_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) ends_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) scheduled_at: string | null;
  @ApiProperty({ description: 'Whole seconds' }) wait_duration: number;
  @ApiProperty({ description: 'Whole seconds' }) call_duration: number;
  @ApiProperty({ description: 'Whole seconds' }) hold_duration: number;
  @ApiProperty({ type: Number, ...nullable }) rating: number | null;
  @ApiProperty() has_feedback: boolean;
  @ApiProperty() voip_provider: string;
  @ApiProperty({ type: String, ...nullable }) out_ticket_id: string | null;
  @ApiProperty({ type: String, ...nullable }) out_ticket_url: string | null;
  @ApiProperty() verified: boolean;
  @ApiProperty({ type: String, ...nullable }) recording_url: string | null;
  @ApiProperty({ enum: ['not_asked', 'granted', 'denied'] }) recording_permission: string;
  @ApiProperty() voicemail_reason: string;
  @ApiProperty({ enum: ['no_deflection', 'after_hours', 'over_capacity'] }) deflection: string;
  @ApiProperty({ enum: ['disconnected_by_unknown', 'disconnected_by_end_user', 'disconnected_by_agent', 'disconnected_by_system'] }) disconnected_by: string;
  @ApiProperty({ type: String, ...nullable }) fail_details: string | null;
  @ApiProperty() fail_reason: string;
  @ApiProperty({ type: String, ...nullable }) support_number: string | null;
  @ApiProperty({ type: SelectedMenuResponse, ...nullable }) selected_menu: SelectedMenuResponse | null;
  @ApiProperty({ type: MenuPathResponse, ...nullable }) menu_path: MenuPathResponse | null;
  @ApiProperty({ type: CallAgentResponse, ...nullable }) agent_info: CallAgentResponse | null;
  @ApiProperty({ type: EndUserResponse, ...nullable }) end_user: EndUserResponse | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Always empty' }) photos: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Always empty' }) videos: unknown[];
  @ApiProperty({ type: [TransferResponse] }) transfers: TransferResponse[];
  @ApiProperty({ type: [ParticipantResponse] }) participants: ParticipantResponse[];
  @ApiProperty({ type: String, ...nullable, enum: ['cascade', 'broadcast'] }) offer_type: string | null;
  @ApiProperty({ type: [OfferEventResponse] }) offer_events: OfferEventResponse[];
  @ApiProperty({ example: 'manual' }) answer_type: string;
  @ApiProperty({ type: String, ...nullable }) outbound_number: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) deflection_details: unknown[];
  @ApiProperty({ format: 'date-time', description: 'Changes with every change of the call (incremental sync)' }) updated_at: string;
}

export class CreateCallRequest {
  @ApiProperty({ enum: ['Voice Outbound (API)', 'Voice Inbound (API)', 'Voice Scheduled (API)', 'OutboundCall', 'IncomingCall', 'ScheduledCall'] }) call_type: string;
  @ApiPropertyOptional({ description: 'Outbound: the agent who calls' }) agent_email?: string;
  @ApiPropertyOptional({ description: 'Inbound and scheduled: an IVR/mobile (inbound) or mobile/web (scheduled) leaf menu' }) menu_id?: number;
  @ApiPropertyOptional({ description: 'International format, e.g. +1 859-657-9625' }) end_user_number?: string;
  @ApiPropertyOptional({ description: "A contact's ticket (takes priority over end_user_number)", oneOf: [{ type: 'string' }, { type: 'integer' }] }) ticket_id?: string;
  @ApiPropertyOptional({ description: 'ISO 639-1, default en' }) lang?: string;
  @ApiPropertyOptional({ description: 'Outbound: one of the company outbound numbers' }) outbound_number?: string;
  @ApiPropertyOptional({ enum: ['recording_permission_not_asked', 'recording_permission_granted', 'recording_permission_denied'] }) recording_permission?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Scheduled: in the future, with a zone' }) scheduled_at?: string;
  @ApiPropertyOptional({ description: 'Scheduled: the call this one calls back (its menu is used when menu_id is left out)' }) call_id?: number;
}

export class PendingCallResponse {
  @ApiProperty() id: string;
  @ApiProperty() call_type: string;
  @ApiProperty() agent_email: string;
  @ApiProperty({ type: String, ...nullable }) end_user_number: string | null;
  @ApiProperty({ type: String, ...nullable }) ticket_id: string | null;
  @ApiProperty() lang: string;
  @ApiProperty({ enum: ['select_outbound_number', 'select_end_user_number'] }) pending_action: string;
  @ApiProperty({ type: [String] }) choices: string[];
}

export class CompletePendingCallRequest {
  @ApiPropertyOptional({ description: 'One of choices, when pending_action is select_outbound_number' }) outbound_number?: string;
  @ApiPropertyOptional({ description: 'One of choices, when pending_action is select_end_user_number' }) end_user_number?: string;
}

export class CustomerFlagsResponse {
  @ApiProperty() verified_customer: boolean;
  @ApiProperty() bad_actor: boolean;
  @ApiProperty() repeat_customer: boolean;
}

export class CustomerFlagsRequest {
  @ApiPropertyOptional() verified_customer?: boolean;
  @ApiPropertyOptional() bad_actor?: boolean;
  @ApiPropertyOptional({ description: 'repeat_customers is accepted as an alias' }) repeat_customer?: boolean;
}

export class CallEventRequest {
  @ApiProperty({ enum: CALL_EVENT_TYPES.filter((type) => type !== 'recover' && type !== 'dispatch') }) type: string;
  @ApiPropertyOptional({ description: 'A dedupe key: the same id answers the first answer again and changes nothing' }) event_id?: string;
  @ApiPropertyOptional({ description: 'assign, transfer: the agent' }) agent_email?: string;
  @ApiPropertyOptional({ description: 'select_menu, transfer: a menu' }) menu_id?: number;
  @ApiPropertyOptional({ description: 'fail events' }) fail_reason?: string;
  @ApiPropertyOptional({ description: 'hangup' }) disconnected_by?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'reschedule' }) scheduled_at?: string;
}

export class RescheduleRequest {
  @ApiProperty({ format: 'date-time' }) scheduled_at: string;
}

export class CallLogEntryResponse {
  @ApiProperty() seq: number;
  @ApiProperty() type: string;
  @ApiProperty({ type: String, ...nullable }) from: string | null;
  @ApiProperty() to: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ type: String, ...nullable }) event_id: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class LifecycleTransitionResponse {
  @ApiProperty() from: string;
  @ApiProperty() event: string;
  @ApiProperty() to: string;
  @ApiPropertyOptional({ description: 'The guard that must hold, when there is one' }) guard?: string;
}

export class LifecycleTableResponse {
  @ApiProperty({ type: [String] }) states: string[];
  @ApiProperty({ type: [String] }) initial: string[];
  @ApiProperty({ type: [String] }) final: string[];
  @ApiProperty({ type: [LifecycleTransitionResponse] }) transitions: LifecycleTransitionResponse[];
}
