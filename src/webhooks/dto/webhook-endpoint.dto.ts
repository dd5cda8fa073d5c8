import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Omittable } from '../../common/validation';
import { OUTGOING_EVENT_TYPES } from '../../events/outgoing-event';
import { ENDPOINT_STATUSES } from '../webhook-endpoint';
import type { EndpointStatus } from '../webhook-endpoint';

// Decorators run bottom-up, and the pipe stops at the first error: the type
// check sits nearest the property so that its message wins. The URL's
// scheme and where it points, and whether each event type exists, are the
// service's checks (WebhookError), not the DTO's.

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://crm.example.com/hooks/switchboard', maxLength: 2000 })
  @MaxLength(2000, { message: 'url must be at most 2000 characters' })
  @IsString({ message: 'url must be a string' })
  url: string;

  @ApiPropertyOptional({ type: [String], example: ['call.created', 'call.hangup'], description: 'Absent or []: every type' })
  @Omittable()
  @IsString({ each: true, message: 'event_types must be an array of strings' })
  @ArrayMaxSize(OUTGOING_EVENT_TYPES.length, { message: `event_types must have at most ${OUTGOING_EVENT_TYPES.length} entries` })
  @IsArray({ message: 'event_types must be an array of strings' })
  event_types?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @MaxLength(500, { message: 'description must be at most 500 characters' })
  @IsString({ message: 'description must be a string' })
  description?: string | null;
}

export class UpdateWebhookEndpointDto extends PartialType(CreateWebhookEndpointDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ enum: ENDPOINT_STATUSES })
  @Omittable()
  @IsIn(ENDPOINT_STATUSES, { message: `status must be one of ${ENDPOINT_STATUSES.join(', ')}` })
  status?: EndpointStatus;
}

export class WebhookEndpointResponse {
  @ApiProperty() id: number;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) event_types: string[];
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: ENDPOINT_STATUSES }) status: EndpointStatus;
  @ApiPropertyOptional({ description: 'Only when created (and from rotate_secret)' }) secret?: string;
  @ApiProperty() created_at: string;
}
