import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { AGENT_STATUSES, AgentStatus } from '../agent.entity';

export class CreateAgentDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Alice' })
  @IsString()
  @Length(1, 100)
  first_name: string;

  @ApiProperty({ example: 'Archer' })
  @IsString()
  @Length(1, 100)
  last_name: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  agent_number?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'avatar_url must be an http(s) URL' })
  @MaxLength(2000)
  avatar_url?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  can_make_calls?: boolean;

  @ApiPropertyOptional({ enum: AGENT_STATUSES, default: 'available' })
  @IsOptional()
  @IsIn(AGENT_STATUSES, { message: `status must be one of ${AGENT_STATUSES.join(', ')}` })
  status?: AgentStatus;
}

export class UpdateAgentDto extends PartialType(CreateAgentDto) {}
