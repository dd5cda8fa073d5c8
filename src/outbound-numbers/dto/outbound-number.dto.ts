import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsString, registerDecorator } from 'class-validator';
import { Omittable } from '../../common/validation';
import { toE164 } from '../../common/phone-numbers';

export const OutboundNumberFieldMessages = {
  number: 'number is not well formed',
  default: 'default must be a boolean',
} as const;

// Well formed as the Calls API's end_user_number: international and possible.
function IsWellFormedNumber(): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isWellFormedNumber',
      target: target.constructor,
      propertyName: String(property),
      options: { message: OutboundNumberFieldMessages.number },
      validator: { validate: (value: unknown) => toE164(value) !== null },
    });
}

export class CreateOutboundNumberDto {
  @ApiProperty({ example: '+1 339-219-5276', description: 'International (leading +); kept and answered as given (trimmed), unique per company by its E.164 form' })
  @IsWellFormedNumber()
  @IsString({ message: OutboundNumberFieldMessages.number })
  number: string;

  @ApiPropertyOptional({ default: false, description: 'At most one default per company: setting one clears the other' })
  @Omittable()
  @IsBoolean({ message: OutboundNumberFieldMessages.default })
  default?: boolean;
}

export class UpdateOutboundNumberDto extends PartialType(CreateOutboundNumberDto, { skipNullProperties: false }) {}

export class OutboundNumberResponse {
  @ApiProperty() id: number;
  @ApiProperty({ example: '+1 339-219-5276', description: 'As configured' }) number: string;
  @ApiProperty() default: boolean;
}
