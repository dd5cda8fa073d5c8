import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { Satisfies } from '../../common/validation';
import { toE164 } from '../../common/phone-numbers';

export const MAX_PHONE_NUMBERS = 20;
export const MAX_IDENTIFIER = 255;

// Decorators run bottom-up, and the pipe stops at the first error: the type
// check sits nearest the property so that its message wins.

// A JSON number is read as its decimal string (CRM ids often travel as
// numbers), exactly as the Calls API reads a call's ticket_id, so that the
// two always agree on the string.
const NumberAsString = () => Transform(({ value }) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value));

export function checkPhoneNumbers(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return 'phone_numbers must be a non-empty array of phone numbers';
  if (value.length > MAX_PHONE_NUMBERS) return `phone_numbers may hold at most ${MAX_PHONE_NUMBERS} numbers`;
  const bad = value.findIndex((number) => toE164(number) === null);
  if (bad >= 0) return `phone_numbers[${bad}] is not well formed`;
  return null;
}

export class CreateContactDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }], example: '71450', description: 'Unique per company; a JSON number is read as its decimal string' })
  @Matches(/\S/, { message: 'ticket_id must not be blank' })
  @MaxLength(MAX_IDENTIFIER, { message: `ticket_id must be at most ${MAX_IDENTIFIER} characters` })
  @IsString({ message: 'ticket_id must be a string or a number' })
  @NumberAsString()
  ticket_id: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'number' }], nullable: true, example: '381630957514' })
  @IsOptional()
  @Matches(/\S/, { message: 'out_contact_id must not be blank' })
  @MaxLength(MAX_IDENTIFIER, { message: `out_contact_id must be at most ${MAX_IDENTIFIER} characters` })
  @IsString({ message: 'out_contact_id must be a string or a number' })
  @NumberAsString()
  out_contact_id?: string | null;

  @ApiProperty({ type: [String], example: ['+1 859-657-9625'], maxItems: MAX_PHONE_NUMBERS, description: 'Well formed (international); stored and answered in E.164, without duplicates' })
  @Satisfies(checkPhoneNumbers)
  phone_numbers: string[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://crm.example.com/tickets/71450' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'out_ticket_url must be an http(s) URL' })
  @MaxLength(2000, { message: 'out_ticket_url must be at most 2000 characters' })
  @IsString({ message: 'out_ticket_url must be an http(s) URL' })
  out_ticket_url?: string | null;
}

// Any field but id; out_contact_id and out_ticket_url may be cleared with null.
export class UpdateContactDto extends PartialType(CreateContactDto, { skipNullProperties: false }) {}

export class ContactResponse {
  @ApiProperty() id: number;
  @ApiProperty() ticket_id: string;
  @ApiProperty({ type: String, nullable: true }) out_contact_id: string | null;
  @ApiProperty({ type: [String], description: 'E.164' }) phone_numbers: string[];
  @ApiProperty({ type: String, nullable: true }) out_ticket_url: string | null;
}
