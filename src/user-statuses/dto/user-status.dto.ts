import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../../common/validation';
import { CUSTOM_AVAILABILITIES } from '../user-status';
import type { CustomAvailability } from '../user-status';

export class CreateUserStatusDto {
  @ApiProperty({ example: 'Lunch', maxLength: 100, description: 'Unique per company, compared case-insensitively' })
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  @IsString({ message: 'name must be a string' })
  name: string;

  @ApiProperty({ example: '#3498db', pattern: '^#[0-9a-fA-F]{6}$', description: 'A hex colour (stored lowercase)' })
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'color must be a hex colour such as #3498db' })
  @IsString({ message: 'color must be a hex colour such as #3498db' })
  color: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: "The status's id in a workforce-management system" })
  @IsOptional()
  @Max(2147483647, { message: 'wfm_id must be an integer from 0 to 2147483647' })
  @Min(0, { message: 'wfm_id must be an integer from 0 to 2147483647' })
  @IsInt({ message: 'wfm_id must be an integer from 0 to 2147483647' })
  wfm_id?: number | null;

  @ApiPropertyOptional({ enum: CUSTOM_AVAILABILITIES, default: 'away', description: 'A custom status is a variant of away or offline: an agent in it takes no calls' })
  @Omittable()
  @IsIn(CUSTOM_AVAILABILITIES, { message: `availability must be one of ${CUSTOM_AVAILABILITIES.join(', ')}` })
  availability?: CustomAvailability;
}

export class UpdateUserStatusDto extends PartialType(CreateUserStatusDto, { skipNullProperties: false }) {}

export class UserStatusResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ example: '#2ecc71' }) color: string;
  @ApiProperty({ type: Number, nullable: true }) wfm_id: number | null;
  @ApiProperty({ enum: ['available', 'busy', 'away', 'offline'], description: 'What the engine reads: only available agents take calls' }) availability: string;
  @ApiProperty({ description: 'One of the four seeded statuses (cannot be deleted)' }) built_in: boolean;
}

// The status object inside agents and activity logs, as CCAI nests it.
export class StatusRefResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() color: string;
  @ApiProperty({ type: Number, nullable: true }) wfm_id: number | null;
}
