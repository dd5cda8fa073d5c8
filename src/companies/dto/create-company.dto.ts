import { IsString, Length, Matches } from 'class-validator';
import { COMPANY_KEY_PATTERN } from '../companies.service';

export const CompanyFieldMessages = {
  keyInvalid: 'key must be a subdomain label: 1 to 63 of a-z, 0-9 and -, not starting or ending with -',
  nameInvalid: 'name must be a string of 1 to 200 characters',
} as const;

export class CreateCompanyDto {
  @IsString({ message: CompanyFieldMessages.keyInvalid })
  @Matches(COMPANY_KEY_PATTERN, { message: CompanyFieldMessages.keyInvalid })
  key: string;

  @IsString({ message: CompanyFieldMessages.nameInvalid })
  @Length(1, 200, { message: CompanyFieldMessages.nameInvalid })
  name: string;
}
