import { IsString, Length, Matches } from 'class-validator';
import { COMPANY_KEY_PATTERN, CompanyMessages } from '../companies.service';

export class CreateCompanyDto {
  @IsString({ message: CompanyMessages.keyInvalid })
  @Matches(COMPANY_KEY_PATTERN, { message: CompanyMessages.keyInvalid })
  key: string;

  @IsString({ message: CompanyMessages.nameInvalid })
  @Length(1, 200, { message: CompanyMessages.nameInvalid })
  name: string;
}
