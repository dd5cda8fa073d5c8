import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IdListField, ParentIdField, PositionField } from '../../common/validation';

const MAX_POSITION = 2147483647;

export class CreateTeamDto {
  @ApiProperty({ example: 'Tier 1', maxLength: 200 })
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsString({ message: 'name must be a string' })
  name: string;

  @ParentIdField('A live team of the company')
  parent_id?: number | null;

  @PositionField(MAX_POSITION)
  position?: number;

  @IdListField('agent_ids', 'agent', "The team's agents (replaces the members on PATCH)")
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
