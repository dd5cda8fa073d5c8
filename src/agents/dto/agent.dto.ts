import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../../common/validation';
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

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50 })
  @IsOptional()
  @Matches(/\S/, { message: 'agent_number must not be blank' })
  @MaxLength(50, { message: 'agent_number must be at most 50 characters' })
  @IsString({ message: 'agent_number must be a string' })
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

  @ApiPropertyOptional({ enum: AGENT_STATUSES, default: 'available', description: 'Only available agents take calls' })
  @Omittable()
  @IsIn(AGENT_STATUSES, { message: `status must be one of ${AGENT_STATUSES.join(', ')}` })
  status?: AgentStatus;
}

// Any field but id. Fields that cannot be null refuse null
// (skipNullProperties: false); agent_number and avatar_url may be cleared.
export class UpdateAgentDto extends PartialType(CreateAgentDto, { skipNullProperties: false }) {}

export class AgentResponse {
  @ApiProperty() id: number;
  @ApiProperty() email: string;
  @ApiProperty({ description: 'first_name + " " + last_name' }) name: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ type: String, nullable: true }) agent_number: string | null;
  @ApiProperty({ type: String, nullable: true }) avatar_url: string | null;
  @ApiProperty() can_make_calls: boolean;
  @ApiProperty({ enum: AGENT_STATUSES }) status: AgentStatus;
}
