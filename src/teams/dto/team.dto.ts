import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../../common/validation';

const MAX_POSITION = 2147483647;

export class CreateTeamDto {
  @ApiProperty({ example: 'Tier 1', maxLength: 200 })
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsString({ message: 'name must be a string' })
  name: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'A live team of the company' })
  @IsOptional()
  @Max(Number.MAX_SAFE_INTEGER, { message: 'parent_id must be a positive integer' })
  @Min(1, { message: 'parent_id must be a positive integer' })
  @IsInt({ message: 'parent_id must be a positive integer' })
  parent_id?: number | null;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_POSITION })
  @Omittable()
  @Max(MAX_POSITION, { message: `position must be an integer from 0 to ${MAX_POSITION}` })
  @Min(0, { message: `position must be an integer from 0 to ${MAX_POSITION}` })
  @IsInt({ message: `position must be an integer from 0 to ${MAX_POSITION}` })
  position?: number;

  @ApiPropertyOptional({ type: [Number], description: "The team's agents (replaces the members on PATCH)" })
  @Omittable()
  @Max(Number.MAX_SAFE_INTEGER, { each: true, message: 'agent_ids must be an array of agent ids' })
  @Min(1, { each: true, message: 'agent_ids must be an array of agent ids' })
  @IsInt({ each: true, message: 'agent_ids must be an array of agent ids' })
  @ArrayMaxSize(10000, { message: 'agent_ids may hold at most 10000 ids' })
  @IsArray({ message: 'agent_ids must be an array of agent ids' })
  agent_ids?: number[];
}

export class UpdateTeamDto extends PartialType(CreateTeamDto, { skipNullProperties: false }) {}

export class AgentRefResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ type: String, nullable: true, description: 'Digits only' }) agent_number: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uri' }) avatar_url: string | null;
}

export class TeamTreeNodeResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: Number, nullable: true }) parent_id: number | null;
  @ApiProperty() position: number;
  @ApiProperty() deleted: boolean;
  @ApiProperty({ description: "The team's own agents" }) agents_count: number;
  @ApiProperty({ type: () => [TeamTreeNodeResponse] }) children: TeamTreeNodeResponse[];
}

export class TeamResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: Number, nullable: true }) parent_id: number | null;
  @ApiProperty() position: number;
  @ApiProperty() deleted: boolean;
  @ApiProperty({ description: "The team's own agents" }) agents_count: number;
  @ApiProperty({ type: [AgentRefResponse] }) assignees: AgentRefResponse[];
}
