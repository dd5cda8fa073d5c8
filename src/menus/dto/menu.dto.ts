import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AgentRefResponse, TeamResponse } from '../../teams/dto/team.dto';
import { IdListField, Omittable, ParentIdField, PositionField, Satisfies } from '../../common/validation';
import { ISO_639_1 } from '../../common/languages';
import { validateBusinessHours, WEEKDAYS } from '../business-hours';
import type { BusinessHours } from '../business-hours';
import { MENU_STATES, MENU_TYPES, OFFER_TYPES, RECORDING_OPTIONS } from '../menu';
import type { MenuState, MenuType, OfferType, RecordingOption } from '../menu';

export const MAX_MENU_NAME = 200;
export const MAX_OUTPUT_MSG = 5000;
export const MAX_POSITION = 2147483647; // PostgreSQL integer

// Decorators run bottom-up, and the pipe stops at the first error: the type
// check sits nearest the property so that its message wins.

export function checkLanguages(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return 'languages must be a non-empty array of ISO 639-1 codes';
  if (value.length > ISO_639_1.size) return `languages may hold at most ${ISO_639_1.size} codes`;
  const bad = value.findIndex((code) => typeof code !== 'string' || !ISO_639_1.has(code));
  if (bad >= 0) return `languages[${bad}] is not an ISO 639-1 code (two lowercase letters, such as "en")`;
  return null;
}

const oneOf = (field: string, values: readonly string[]) => ({ message: `${field} must be one of ${values.join(', ')}` });

// The OpenAPI shape of business_hours (validated by validateBusinessHours).
export class BusinessHoursDoc {
  @ApiProperty({ example: 'America/New_York', description: 'IANA time zone; the hours are wall-clock time there (DST-correct)' })
  time_zone: string;

  @ApiProperty({
    description: `Half-open local intervals per weekday (${WEEKDAYS.join(', ')}); "24:00" may end one; an interval may not cross midnight. A day left out is closed.`,
    example: { mon: [['09:00', '17:00']], sat: [['10:00', '14:00']] },
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'array', items: { type: 'string', pattern: '^\\d{2}:\\d{2}$' }, minItems: 2, maxItems: 2 } },
  })
  weekly: BusinessHours['weekly'];

  @ApiPropertyOptional({ type: [String], example: ['2026-12-25'], description: 'Local dates (YYYY-MM-DD) on which the menu is closed' })
  closed_dates?: string[];
}

export class CreateMenuDto {
  @ApiProperty({ example: 'Main Menu', maxLength: MAX_MENU_NAME })
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(MAX_MENU_NAME, { message: `name must be at most ${MAX_MENU_NAME} characters` })
  @IsString({ message: 'name must be a string' })
  name: string;

  @ApiPropertyOptional({ enum: MENU_TYPES, description: "Required for a root menu; a child menu has its parent's menu_type" })
  @Omittable()
  @IsIn(MENU_TYPES, oneOf('menu_type', MENU_TYPES))
  menu_type?: MenuType;

  @ParentIdField('A live menu of the company')
  parent_id?: number | null;

  @PositionField(MAX_POSITION)
  position?: number;

  @ApiPropertyOptional({ enum: MENU_STATES, default: 'open' })
  @Omittable()
  @IsIn(MENU_STATES, oneOf('state', MENU_STATES))
  state?: MenuState;

  @ApiPropertyOptional({ type: [String], default: ['en'], description: 'ISO 639-1 codes; duplicates are dropped' })
  @Omittable()
  @Satisfies(checkLanguages)
  languages?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_OUTPUT_MSG })
  @IsOptional()
  @MaxLength(MAX_OUTPUT_MSG, { message: `output_msg must be at most ${MAX_OUTPUT_MSG} characters` })
  @IsString({ message: 'output_msg must be a string' })
  output_msg?: string | null;

  @ApiPropertyOptional({ default: false })
  @Omittable()
  @IsBoolean({ message: 'hidden must be a boolean' })
  hidden?: boolean;

  @ApiPropertyOptional({ enum: OFFER_TYPES, default: 'cascade' })
  @Omittable()
  @IsIn(OFFER_TYPES, oneOf('offer_type', OFFER_TYPES))
  offer_type?: OfferType;

  @ApiPropertyOptional({ enum: RECORDING_OPTIONS, default: 'never' })
  @Omittable()
  @IsIn(RECORDING_OPTIONS, oneOf('recording_option', RECORDING_OPTIONS))
  recording_option?: RecordingOption;

  @ApiPropertyOptional({ type: BusinessHoursDoc, nullable: true, description: 'Outside these hours the menu counts as after_hours; null for none' })
  @IsOptional()
  @Satisfies(validateBusinessHours)
  business_hours?: BusinessHours | null;

  @IdListField('agent_ids', 'agent', "Agents who answer the menu's queue (replaces them on PATCH)")
  agent_ids?: number[];

  @IdListField('team_ids', 'team', "Teams whose agents answer the menu's queue (replaces them on PATCH)")
  team_ids?: number[];
}

// Any field but id; `parent_id: null` makes a root. Fields that cannot be
// null refuse null (skipNullProperties: false).
export class UpdateMenuDto extends PartialType(CreateMenuDto, { skipNullProperties: false }) {}

export class MenuResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: MENU_TYPES }) menu_type: MenuType;
  @ApiProperty({ type: Number, nullable: true }) parent_id: number | null;
  @ApiProperty() position: number;
  @ApiProperty({ enum: MENU_STATES }) state: MenuState;
  @ApiProperty({ type: [String] }) languages: string[];
  @ApiProperty({ type: String, nullable: true }) output_msg: string | null;
  @ApiProperty() hidden: boolean;
  @ApiProperty({ enum: OFFER_TYPES }) offer_type: OfferType;
  @ApiProperty({ enum: RECORDING_OPTIONS }) recording_option: RecordingOption;
  @ApiProperty({ type: BusinessHoursDoc, nullable: true }) business_hours: BusinessHoursDoc | null;
  @ApiProperty({ description: 'Deleted menus stay for the calls that point at them' }) deleted: boolean;
  @ApiProperty({ type: () => [AgentAssignmentResponse] }) agent_assignments: AgentAssignmentResponse[];
  @ApiProperty({ type: () => [TeamAssignmentResponse] }) team_assignments: TeamAssignmentResponse[];
  @ApiProperty({ description: 'Distinct agents answering the queue, directly or through a team' }) agents_count: number;
}

export class AgentAssignmentResponse {
  @ApiProperty({ type: AgentRefResponse }) assignee: AgentRefResponse;
  @ApiProperty({ example: 'agent' }) group_type: string;
  @ApiProperty({ example: 'voice_call' }) channel_type: string;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: no queue levels' }) queue_level: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: every language of the menu' }) lang: string | null;
}

export class TeamAssignmentResponse {
  @ApiProperty({ type: TeamResponse }) team: TeamResponse;
  @ApiProperty({ example: 'team' }) group_type: string;
  @ApiProperty({ example: 'voice_call' }) channel_type: string;
  @ApiProperty({ type: String, nullable: true }) queue_level: string | null;
  @ApiProperty({ type: String, nullable: true }) lang: string | null;
}

export class MenuTreeNodeResponse extends MenuResponse {
  @ApiProperty({ type: () => [MenuTreeNodeResponse] }) children: MenuTreeNodeResponse[];
}
