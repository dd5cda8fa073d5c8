import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../../common/validation';
import { StatusRefResponse } from '../../user-statuses/dto/user-status.dto';
import { AGENT_STATUSES } from '../agent';
import type { AgentStatus } from '../agent';

// Decorators run bottom-up, and the pipe stops at the first error: the type
// check sits nearest the property so that its message wins.

export class CreateAgentDto {
  @ApiProperty({ example: 'alice@example.com', maxLength: 254, description: 'Unique per company, compared case-insensitively' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @IsString({ message: 'email must be an e-mail address' })
  email: string;

  @ApiProperty({ example: 'Alice', maxLength: 100 })
  @Matches(/\S/, { message: 'first_name must not be blank' })
  @MaxLength(100, { message: 'first_name must be at most 100 characters' })
  @IsString({ message: 'first_name must be a string' })
  first_name: string;

  @ApiProperty({ example: 'Archer', maxLength: 100 })
  @Matches(/\S/, { message: 'last_name must not be blank' })
  @MaxLength(100, { message: 'last_name must be at most 100 characters' })
  @IsString({ message: 'last_name must be a string' })
  last_name: string;

  @ApiPropertyOptional({ type: String, nullable: true, pattern: '^[0-9]{1,15}$', example: '1001', description: 'Digits only (1 to 15): call records carry it as an integer' })
  @IsOptional()
  @Matches(/^[0-9]{1,15}$/, { message: 'agent_number must be 1 to 15 digits' })
  @IsString({ message: 'agent_number must be a string of digits' })
  agent_number?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'avatar_url must be an http(s) URL' })
  @MaxLength(2000, { message: 'avatar_url must be at most 2000 characters' })
  @IsString({ message: 'avatar_url must be an http(s) URL' })
  avatar_url?: string | null;

  @ApiPropertyOptional({ default: true })
  @Omittable()
  @IsBoolean({ message: 'can_make_calls must be a boolean' })
  can_make_calls?: boolean;

  @ApiPropertyOptional({ enum: AGENT_STATUSES, default: 'available', description: 'The availability (only available agents take calls): puts the agent in the built-in status of that name' })
  @Omittable()
  @IsIn(AGENT_STATUSES, { message: `status must be one of ${AGENT_STATUSES.join(', ')}` })
  status?: AgentStatus;

  @ApiPropertyOptional({ description: 'A user status of the company (GET /user_statuses); decides over status. A custom status is an away/offline variant' })
  @Omittable()
  @Max(Number.MAX_SAFE_INTEGER, { message: 'status_id must be a positive integer' })
  @Min(1, { message: 'status_id must be a positive integer' })
  @IsInt({ message: 'status_id must be a positive integer' })
  status_id?: number;
}

// Any field but id. Fields that cannot be null refuse null
// (skipNullProperties: false); agent_number and avatar_url may be cleared.
export class UpdateAgentDto extends PartialType(CreateAgentDto, { skipNullProperties: false }) {}

export class AgentTeamResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: Number, nullable: true }) parent_id: number | null;
  @ApiProperty() position: number;
  @ApiProperty() deleted: boolean;
  @ApiProperty() agents_count: number;
}

export class AgentChannelMenuResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: Number, nullable: true }) parent_id: number | null;
  @ApiProperty() position: number;
  @ApiProperty({ enum: ['ivr_menu', 'mobile_menu', 'web_menu'] }) menu_type: string;
  @ApiProperty({ type: String, nullable: true }) output_msg: string | null;
  @ApiProperty() hidden: boolean;
  @ApiProperty() deleted: boolean;
}

export class AgentChannelResponse {
  @ApiProperty({ example: 'voice_call' }) channel_type: string;
  @ApiProperty({ type: AgentChannelMenuResponse }) menu: AgentChannelMenuResponse;
}

export class AgentResponse {
  @ApiProperty() id: number;
  @ApiProperty() email: string;
  @ApiProperty({ description: 'first_name + " " + last_name' }) name: string;
  @ApiProperty() first_name: string;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: not stored' }) middle_name: string | null;
  @ApiProperty() last_name: string;
  @ApiProperty({ type: String, nullable: true, description: 'Digits only' }) agent_number: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uri' }) avatar_url: string | null;
  @ApiProperty() can_make_calls: boolean;
  @ApiProperty({ type: StatusRefResponse, description: 'The user status the agent is in' }) status: StatusRefResponse;
  @ApiProperty({ enum: AGENT_STATUSES, description: 'What the engine reads: only available agents take calls' }) availability: AgentStatus;
  @ApiProperty({ format: 'date-time', description: 'When the status last changed (the replication key)' }) status_updated_at: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Always null: agents do not log in to Switchboard' }) last_login_time: string | null;
  @ApiProperty({ description: 'Any availability but offline' }) online: boolean;
  @ApiProperty({ type: [String], example: ['agent'] }) roles: string[];
  @ApiProperty({ type: [AgentTeamResponse] }) teams: AgentTeamResponse[];
  @ApiProperty({ type: [AgentChannelResponse], description: 'The menus whose queue the agent answers, directly or through a team' }) channels: AgentChannelResponse[];
  @ApiProperty({ description: 'Calls the agent took part in' }) call_count: number;
  @ApiProperty({ description: 'Always 0: Switchboard has no chats' }) chat_count: number;
  @ApiProperty({ description: 'Always false: no CRM login' }) crm_authenticated: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: not stored' }) location: string | null;
  @ApiProperty({ description: 'Always false: no wrap-up state' }) wrap_up: boolean;
}
